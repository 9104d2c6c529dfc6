#!/bin/sh
# driver-includes.sh SOURCE DEPFILE - fails when a driver source reached a
# header outside include/ (the DDK) and drivers/ (its own and other drivers'
# client headers).
#
# Drivers are compiled with -Iinclude only, so "kernel/ke/ki.h" is not found;
# this catches the way around that, a relative path ("../../kernel/...").
# The Makefile runs it on each driver object's dependency file (gcc -MMD,
# which lists every header the compiler opened, system headers aside).
set -eu
source=$1
depfile=$2
status=0
# The dependency file is "target: dep dep \ ..." plus one "dep:" line per
# header (-MP); the prerequisites of the first rule are the whole list.
for dep in $(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$depfile" | sed -n '1s/^[^:]*://p'); do
    [ "$dep" = "$source" ] && continue
    path=$(realpath -m --relative-to=. "$dep")
    case "$path" in
    include/*|drivers/*) ;;
    *)
        echo "$source: includes $path: a driver sees include/ (the DDK) only" >&2
        status=1
        ;;
    esac
done
exit $status
