package org.cpc.poc;

/**
 * The refusals {@link Market} throws, under the name it knows them by: nothing but the shared
 * {@link org.cpc.http.ApiException}, which the Task Market's server answers as JSON. Goes once {@code Market} imports
 * that class instead.
 */
final class ApiException extends org.cpc.http.ApiException {
    ApiException(int status, String message) {
        super(status, message);
    }
}
