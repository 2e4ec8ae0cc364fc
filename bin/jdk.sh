# Sourced by ./cpc and ./test: finds a JDK >= 25 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is new enough, then every JDK under /usr/lib/jvm, newest first.
cpc_java_major() { # prints the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}
cpc_find_jdk() {
  local want=25 cand v
  for cand in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home 2>/dev/null | sort -rV); do
    [ -n "$cand" ] || continue
    v=$(cpc_java_major "$cand")
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then
      export JAVA_HOME="$cand"
      return 0
    fi
  done
  cat >&2 <<MSG
cpc needs a JDK 25 or newer, and none was found.
  Looked at: \$JAVA_HOME (${JAVA_HOME:-unset}) and /usr/lib/jvm/*.
  Install one, for example Eclipse Temurin 25 (https://adoptium.net), or on Debian/Ubuntu:
    apt-get install temurin-25-jdk     (after adding the Adoptium apt repository)
  then run this command again, or point JAVA_HOME at it.
MSG
  return 1
}
