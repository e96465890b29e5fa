// SPDX-License-Identifier: MIT
/*
 * SHA-384 and SHA-512 (lib/sha512.h) against the FIPS 180-4 example vectors,
 * lengths around the padding boundary (112 and 128 bytes), incremental input
 * split at every kind of block boundary, and a generated file whose digest
 * sha384sum computed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/sha512.h"
#include "lib/sizes.h"
#include "test_helpers.h"

#define MSG_896                                                                            \
	"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq" \
	"klmnopqrlmnopqrsmnopqrstnopqrstu"

#define GEN_LEN 100003

/* Lower-case hex of n bytes. */
static const char *hex(const uint8_t *d, size_t n)
{
	static char s[2 * SHA512_DIGEST_SIZE + 1];
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", d[i]);
	return s;
}

static const char *sha384_hex(const void *data, size_t len)
{
	uint8_t d[SHA384_DIGEST_SIZE];

	sha384(data, len, d);
	return hex(d, sizeof(d));
}

static const char *sha512_hex(const void *data, size_t len)
{
	uint8_t d[SHA512_DIGEST_SIZE];

	sha512(data, len, d);
	return hex(d, sizeof(d));
}

/* The generated file: byte i is (7i + i/256) mod 256. */
static uint8_t *generated(void)
{
	uint8_t *p = malloc(GEN_LEN);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < GEN_LEN; i++)
		p[i] = (uint8_t)(i * 7 + (i >> 8));
	return p;
}

START_TEST(test_sha384_fips_examples)
{
	ck_assert_str_eq(sha384_hex("abc", 3),
	                 "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
	                 "8086072ba1e7cc2358baeca134c825a7");
	ck_assert_str_eq(sha384_hex(MSG_896, strlen(MSG_896)),
	                 "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
	                 "fcc7c71a557e2db966c3e9fa91746039");
}
END_TEST

START_TEST(test_sha384_of_empty_input_is_the_imported_regions_no_shared_pages_hash)
{
	ck_assert_str_eq(sha384_hex(NULL, 0),
	                 "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
	                 "274edebfe76f65fbd51ad2f14898b95b");
}
END_TEST

START_TEST(test_sha512_fips_examples)
{
	ck_assert_str_eq(sha512_hex("abc", 3),
	                 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	                 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	ck_assert_str_eq(sha512_hex("", 0),
	                 "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
	                 "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
	ck_assert_str_eq(sha512_hex(MSG_896, strlen(MSG_896)),
	                 "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
	                 "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}
END_TEST

START_TEST(test_million_a_fed_in_uneven_chunks)
{
	static uint8_t a[1000000];
	uint8_t d[SHA512_DIGEST_SIZE];
	struct sha512_ctx c;
	size_t off = 0, step = 1;

	memset(a, 'a', sizeof(a));
	sha384_init(&c);
	while (off < sizeof(a)) {
		size_t n = step < sizeof(a) - off ? step : sizeof(a) - off;

		sha384_update(&c, a + off, n);
		off += n;
		step = step * 3 + 1; /* 1, 4, 13, 40, 121, ... crosses blocks at every offset */
		if (step > 70000)
			step = 5;
	}
	sha384_final(&c, d);
	ck_assert_str_eq(hex(d, SHA384_DIGEST_SIZE),
	                 "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b"
	                 "07b8b3dc38ecc4ebae97ddd87f3d8985");
	sha512(a, sizeof(a), d);
	ck_assert_str_eq(hex(d, SHA512_DIGEST_SIZE),
	                 "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
	                 "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}
END_TEST

/* The length field needs 16 bytes: 112 bytes and up take a second padding block. */
START_TEST(test_lengths_around_the_padding_boundary)
{
	static const struct {
		size_t len;
		const char *sha384;
	} cases[] = {
		{ 111, "3c37955051cb5c3026f94d551d5b5e2ac38d572ae4e07172085fed81f8466b8f"
		       "90dc23a8ffcdea0b8d8e58e8fdacc80a" },
		{ 112, "187d4e07cb306103c69967bf544d0dfbe9042577599c73c330abc0cb64c61236"
		       "d5ed565ee19119d8c31779a38f791fcd" },
		{ 127, "9bd06b1763c2cf7aef40e795dc65bc96d59c41b537f3ad72ebdefd485476b571"
		       "7c1aeb37c327fe9c1831b12b9efd08ae" },
		{ 128, "edb12730a366098b3b2beac75a3bef1b0969b15c48e2163c23d96994f8d1bef7"
		       "60c7e27f3c464d3829f56c0d53808b0b" },
		{ 129, "39b6f5a7b0e781dbc419f72e49b30eaac10f2c98c4403bc610da31067fd1b48f"
		       "324138c8615d2b496d08d73d5e865326" },
		{ 239, "e247c35f4bc1aa38026f8880c8c97305545d00d3f859e00c57d1c1f0a176b3c6"
		       "b749c4eb081f08bd0fba500969cd056a" },
		{ 240, "4d86957beab348a29180f02d02564ac1d32f5b4c217ece2b038f7c184f0cafc8"
		       "c8e438eb82aa03796170e0a7ce8c0675" },
		{ 256, "ee89d91a5f594f72052c561e5c2458280439eaa77cc1352e27893931c6d9ce5d"
		       "869fb8a024358c460adc1af9f4fe5b4a" },
	};
	uint8_t a[256];

	memset(a, 'a', sizeof(a));
	ck_assert_str_eq(sha384_hex(a, cases[_i].len), cases[_i].sha384);
}
END_TEST

/* Any split of the input gives the one-shot digest. */
START_TEST(test_incremental_equals_one_shot_for_every_chunk_size)
{
	static const size_t chunk[] = { 1, 7, 111, 112, 127, 128, 129, 255, 256, 4096, GEN_LEN };
	uint8_t *data = generated(), want[SHA384_DIGEST_SIZE], got[SHA384_DIGEST_SIZE];
	struct sha512_ctx c;
	size_t off;

	sha384(data, GEN_LEN, want);
	sha384_init(&c);
	for (off = 0; off < GEN_LEN; off += chunk[_i]) {
		size_t n = chunk[_i] < GEN_LEN - off ? chunk[_i] : GEN_LEN - off;

		sha384_update(&c, data + off, n);
		sha384_update(&c, data + off + n, 0);
	}
	sha384_final(&c, got);
	ck_assert_mem_eq(got, want, sizeof(want));
	free(data);
}
END_TEST

/* The digest sha384sum printed for the generated file, then sha384sum itself when installed. */
START_TEST(test_generated_file_matches_sha384sum)
{
	static const char want[] =
	    "2094dc088cd3422ff9f8c1e1f7c36f59ae62d484c4d6f175c06854ab55a519b6"
	    "c2661147b20a15d0f075c160097fc3b8";
	char path[] = "/tmp/minivmm-sha384-XXXXXX", cmd[128], line[256] = "";
	uint8_t *data = generated();
	FILE *f;
	int fd;

	ck_assert_str_eq(sha384_hex(data, GEN_LEN), want);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, GEN_LEN), GEN_LEN);
	close(fd);
	snprintf(cmd, sizeof(cmd), "sha384sum %s 2>/dev/null", path);
	f = popen(cmd, "r");
	if (f && fgets(line, sizeof(line), f) && strlen(line) >= 96)
		ck_assert_mem_eq(line, want, 96);
	else
		fprintf(stderr,
		        "test_sha512: sha384sum unavailable, compared with the stored digest\n");
	if (f)
		pclose(f);
	unlink(path);
	free(data);
}
END_TEST

static Suite *sha512_suite(void)
{
	Suite *s = suite_create("sha512");
	TCase *v = tcase_create("vectors");
	TCase *inc = tcase_create("incremental");

	tcase_add_test(v, test_sha384_fips_examples);
	tcase_add_test(v, test_sha384_of_empty_input_is_the_imported_regions_no_shared_pages_hash);
	tcase_add_test(v, test_sha512_fips_examples);
	tcase_add_loop_test(v, test_lengths_around_the_padding_boundary, 0, 8);
	tcase_add_test(inc, test_million_a_fed_in_uneven_chunks);
	tcase_add_loop_test(inc, test_incremental_equals_one_shot_for_every_chunk_size, 0, 11);
	tcase_add_test(inc, test_generated_file_matches_sha384sum);
	suite_add_tcase(s, v);
	suite_add_tcase(s, inc);
	return s;
}

int main(void)
{
	return run_suite(sha512_suite());
}
