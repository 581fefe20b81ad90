#!/bin/sh
# Builds ngx_http_inkan_module.so for Debian's /usr/sbin/nginx.
#   build.sh BUILD_DIR INKAN_INCLUDE INKAN_LIBDIR OUTPUT
# nginx loads a module only when its signature matches the binary's, so the
# module is configured with Debian's exact flags (nginx-dev's conf_flags).
set -eu
builddir=$1 include=$2 libdir=$3 output=$4
src=/usr/share/nginx/src
addon=$(cd "$(dirname "$0")" && pwd)

if [ ! -f "$src/conf_flags" ]; then
    echo "build.sh: $src/conf_flags missing: apt-get install nginx-dev" >&2
    exit 1
fi

mkdir -p "$builddir"
builddir=$(cd "$builddir" && pwd)
stamp="$builddir/.configured"
if [ ! -f "$stamp" ] || [ "$addon/config" -nt "$stamp" ]; then
    # conf_flags is a bash array; configure runs from the source tree but
    # writes only into --builddir.
    ( cd "$src" && INKAN_INCLUDE=$include INKAN_LIBDIR=$libdir bash -c '. ./conf_flags && exec ./configure "${NGX_CONF_FLAGS[@]}" "$@"' configure \
        --builddir="$builddir" --add-dynamic-module="$addon" ) > "$builddir/configure.log" 2>&1 \
        || { tail -20 "$builddir/configure.log" >&2; exit 1; }
    touch "$stamp"
fi

make -s -f "$builddir/Makefile" -C "$src" modules
cp "$builddir/ngx_http_inkan_module.so" "$output"
