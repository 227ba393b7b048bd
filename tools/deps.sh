#!/bin/sh
# deps.sh -- make sure the Debian packages oms builds and tests with are here
#
# Run by make before anything is compiled.  As root on Debian it installs
# what is missing; otherwise it says what to install and fails.  Arguments
# are more packages a target needs (make fuzz: clang).
set -eu

PKGS="gcc make pkg-config libxml2-dev libarchive-dev libpcre2-dev \
libcmocka-dev libxml2-utils mandoc zip unzip perl parallel bash-completion $*"

if ! command -v dpkg-query >/dev/null 2>&1; then
	# not Debian: trust pkg-config to tell
	pkg-config --exists libxml-2.0 libarchive libpcre2-8 cmocka && exit 0
	echo "deps: need libxml2, libarchive, pcre2 and cmocka development files" >&2
	exit 1
fi
missing=
for p in $PKGS; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run 'sudo apt-get install$missing' (or make as root)" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
