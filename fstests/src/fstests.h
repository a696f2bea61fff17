/* What the fstests programs share. */
#ifndef FSTESTS_H
#define FSTESTS_H

#include <stdio.h>
#include <stdlib.h>

/*
 * A number as tests write them: decimal, 0x hex or 0 octal, with an optional K, M, G or T
 * suffix (powers of 1024). Anything else (or a negative number unless allowed) is a usage
 * error of PROG: one line on stderr, exit 2.
 */
__attribute__((noinline, unused)) static long long fstests_number(const char *prog, const char *s, int allow_negative)
{
	char *end;
	long long v = strtoll(s, &end, 0);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case 't': case 'T': v <<= 40; end++; break;
	}
	if (*s == '\0' || *end != '\0' || (v < 0 && !allow_negative)) {
		fprintf(stderr, "%s: not a number: %s\n", prog, s);
		exit(2);
	}
	return v;
}

#endif
