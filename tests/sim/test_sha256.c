/* SHA-256: FIPS 180-4 example vectors, and lengths around the padding boundaries. */
#include "asgsim/sha256.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off: banned.h must come last, after every system header */
#include "asgsim/banned.h"

/* clang-format on */

struct vector {
    const char *msg;
    const char *hex;
};

/* FIPS 180-4 / NIST CSHA examples for SHA-256. */
static const struct vector fips[] = {
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
};

START_TEST(test_sha256_matches_fips_vectors)
{
    char hex[65];
    sha256_hex(fips[_i].msg, strlen(fips[_i].msg), hex);
    ck_assert_str_eq(hex, fips[_i].hex);
}

END_TEST

START_TEST(test_sha256_million_a)
{
    size_t n = 1000000;
    char *buf = xmalloc(n);
    memset(buf, 'a', n);
    char hex[65];
    sha256_hex(buf, n, hex);
    free(buf);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

END_TEST

/*
 * Byte i of the message is (i * 37 + 11) mod 256, so every length uses distinct bytes,
 * including ones with the high bit set. Expected digests were computed with coreutils
 * sha256sum from the same bytes.
 */
struct len_vector {
    size_t len;
    const char *hex;
};

static const struct len_vector lens[] = {
    { 55, "2900465fcb533e05a158fd2b3be0e5e3b03740d83060aa3580e0d98a96bf2384" },
    { 56, "31454ff48ef36af2f08fd511bdc37d9d5855ac23e992e5ff5445cb6b7674a674" },
    { 63, "5f6401b96532c36de4e65beec0409b69b1d181864c8009b7a04f43e5d56350d1" },
    { 64, "94eb5de4943613fd048dc93393ab06877405faa39c11f53e9386083339833e7e" },
    { 65, "fc518669b6eb4b4dd91827ecacef86689c725bd5bab888fd3b26dbb196eec954" },
    { 119, "b0dc41b1a384e2f1203f0351b38fbeaafceef577ce1191d5bfc25da39f721eae" },
    { 120, "5df24dd802ac26132ce608dcb5f09841eef039ee0f152acf98d26d17fe4e88e6" },
};

START_TEST(test_sha256_padding_boundaries_match_sha256sum)
{
    uint8_t buf[128];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)((i * 37 + 11) & 0xff);
    char hex[65];
    sha256_hex(buf, lens[_i].len, hex);
    ck_assert_str_eq(hex, lens[_i].hex);
}

END_TEST

START_TEST(test_sha256_digest_matches_hex)
{
    uint8_t digest[32];
    sha256("abc", 3, digest);
    ck_assert_uint_eq(digest[0], 0xba);
    ck_assert_uint_eq(digest[1], 0x78);
    ck_assert_uint_eq(digest[30], 0x15);
    ck_assert_uint_eq(digest[31], 0xad);
}

END_TEST

Suite *sha256_suite(void);

Suite *sha256_suite(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("sha256");
    tcase_add_loop_test(tc, test_sha256_matches_fips_vectors, 0, (int)ARRAY_SIZE(fips));
    tcase_add_test(tc, test_sha256_million_a);
    tcase_add_loop_test(tc, test_sha256_padding_boundaries_match_sha256sum, 0,
                        (int)ARRAY_SIZE(lens));
    tcase_add_test(tc, test_sha256_digest_matches_hex);
    suite_add_tcase(s, tc);
    return s;
}
