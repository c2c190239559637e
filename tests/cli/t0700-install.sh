#!/usr/bin/env bash
# t0700 — `cmake --install` puts the binary, the library, the header, the
# pkg-config file and the man page in place, and a program builds against
# the installed library with pkg-config.
. "$(dirname "$0")/lib.sh"
: "${RECIP_BUILD:?}"
PREFIX="$TEST_DIR/prefix"
expect_ok "install" cmake --install "$RECIP_BUILD" --prefix "$PREFIX"
LIBDIR=$(ls -d "$PREFIX"/lib*/ | head -n 1)
for f in bin/recip include/recip/recip.h share/man/man1/recip.1; do
	expect_eq "$f installed" "$(test -f "$PREFIX/$f" && echo yes)" yes
done
expect_eq "librecip.so installed" "$(ls "$LIBDIR" | grep -c '^librecip\.so')" 3
expect_eq "recip.pc installed" "$(test -f "$LIBDIR/pkgconfig/recip.pc" && echo yes)" yes
cat >"$TEST_DIR/hello.c" <<'C'
#include <recip/recip.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	recip_ctx *ctx;
	if (argc < 2 || recip_ctx_new(&ctx) != RECIP_OK)
		return 2;
	if (recip_open(ctx, argv[1], RECIP_OPEN_CREATE) != RECIP_OK) {
		fprintf(stderr, "%s\n", recip_errmsg(ctx));
		return 1;
	}
	printf("recip %s, schema %d\n", recip_version(), recip_schema_version_current());
	recip_ctx_free(ctx);
	return 0;
}
C
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
expect_ok "pkg-config knows it" pkg-config --cflags --libs recip
expect_ok "a program compiles against it" cc -std=c11 -Wall -Werror ${RECIP_TEST_CFLAGS:-} -o "$TEST_DIR/hello" "$TEST_DIR/hello.c" \
	$(pkg-config --cflags --libs recip)
expect_ok "and runs" env LD_LIBRARY_PATH="$LIBDIR" "$TEST_DIR/hello" "$TEST_DIR/lib.db"
expect_out "schema"
expect_ok "the installed command runs" env LD_LIBRARY_PATH="$LIBDIR" "$PREFIX/bin/recip" version
expect_ok "man finds the page" env MANPATH="$PREFIX/share/man" man -w recip
finish
