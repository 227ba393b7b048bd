#!/bin/sh
# deps.sh -- make sure the Debian packages oms builds and tests with are here
#
# Run by make deps (which make check and the demos call).  As root on
# Debian it installs what is missing, saying so in a line (apt's own output
# goes to a log shown only when it fails); otherwise, and under fakeroot,
# it says what to install and fails.  With everything there it does
# nothing.  Arguments
# are more packages a target needs (make fuzz: clang).
set -eu

PKGS="gcc make pkg-config libxml2-dev libarchive-dev libpcre2-dev zlib1g-dev libdeflate-dev \
libcmocka-dev libxml2-utils mandoc zip unzip perl parallel bash-completion $*"

if ! command -v dpkg-query >/dev/null 2>&1; then
	# not Debian: trust pkg-config to tell
	pkg-config --exists libxml-2.0 libarchive libpcre2-8 zlib libdeflate cmocka && exit 0
	echo "deps: need libxml2, libarchive, pcre2, zlib, libdeflate and cmocka development files" >&2
	exit 1
fi
missing=
for p in $PKGS; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ] || [ -n "${FAKEROOTKEY:-}" ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run 'sudo apt-get install$missing' (or make as root)" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086
if ! { apt-get update -qq && apt-get install -y -qq \
    --no-install-recommends $missing; } >"$log" 2>&1; then
	cat "$log" >&2
	echo "deps: apt-get failed; the packages above are still missing" >&2
	exit 1
fi
