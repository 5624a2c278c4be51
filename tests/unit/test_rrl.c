/*
 * test_rrl.c - response rate limiting accounts: credits, the slip ratio,
 * the window cap, account keys (network, kind, name), exemptions, log-only.
 */
#include "config.h"
#include "rrl.h"
#include "unit.h"

#include <sys/socket.h>

static const uint8_t c1[4] = {192, 0, 2, 1}, c1b[4] = {192, 0, 2, 200},
		     c2[4] = {192, 0, 3, 1};
static const uint8_t n1[] = {3, 'w', 'w', 'w', 0}, n2[] = {3, 'f', 't', 'p', 0};

static struct rrl_config cfg(void)
{
	struct rrl_config c = {.rate = 10, .window = 2, .slip = 2, .ipv4_prefix = 24,
			       .ipv6_prefix = 56, .table_size = 1024};
	return c;
}

/* count verdicts of n responses at second now */
static void run(struct rrl_table *t, const struct rrl_config *c, const uint8_t *a,
		const uint8_t *name, enum rrl_kind k, unsigned n, uint32_t now, unsigned out[3])
{
	out[0] = out[1] = out[2] = 0;
	for (unsigned i = 0; i < n; i++)
		out[rrl_account(t, c, 1, a, k, name, name ? sizeof(n1) : 0, now)]++;
}

START_TEST(test_credits_and_slip)
{
	struct rrl_table t;
	struct rrl_config c = cfg();
	rrl_table_init(&t, c.table_size);
	unsigned v[3];
	run(&t, &c, c1, n1, RRL_ANSWER, 30, 100, v);
	/* 10 in hand pass; of the 20 limited, every 2nd slips */
	ck_assert_uint_eq(v[RRL_PASS], 10);
	ck_assert_uint_eq(v[RRL_SLIP], 10);
	ck_assert_uint_eq(v[RRL_DROP], 10);
	ck_assert_uint_eq(t.limited, 20);
	ck_assert_uint_eq(t.slipped, 10);
	ck_assert_uint_eq(t.dropped, 10);
	/* the next second brings 10 more credits, no more */
	run(&t, &c, c1, n1, RRL_ANSWER, 30, 101, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	/* quiet for 5 s: credit capped at window (2 s) x rate = 20 */
	run(&t, &c, c1, n1, RRL_ANSWER, 30, 106, v);
	ck_assert_uint_eq(v[RRL_PASS], 20);
	/* serial arithmetic across the 32-bit wrap */
	run(&t, &c, c2, n1, RRL_ANSWER, 10, 0xFFFFFFFFu, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	run(&t, &c, c2, n1, RRL_ANSWER, 11, 0, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	rrl_table_free(&t);
}
END_TEST

START_TEST(test_accounts)
{
	struct rrl_table t;
	struct rrl_config c = cfg();
	rrl_table_init(&t, c.table_size);
	unsigned v[3];
	run(&t, &c, c1, n1, RRL_ANSWER, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	/* same /24: the same account, already spent */
	run(&t, &c, c1b, n1, RRL_ANSWER, 1, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 0);
	/* another name, another kind, another network: accounts of their own */
	run(&t, &c, c1, n2, RRL_ANSWER, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	run(&t, &c, c1, n1, RRL_NXDOMAIN, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	run(&t, &c, c2, n1, RRL_ANSWER, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	/* a finer prefix separates the two hosts of the /24 */
	c.ipv4_prefix = 32;
	run(&t, &c, c1b, n1, RRL_ANSWER, 10, 5, v);
	ck_assert_uint_eq(v[RRL_PASS], 10);
	rrl_table_free(&t);
}
END_TEST

START_TEST(test_slip_zero_and_one_log_only_off)
{
	struct rrl_table t;
	struct rrl_config c = cfg();
	rrl_table_init(&t, c.table_size);
	unsigned v[3];
	c.slip = 0; /* never truncate: drop all limited */
	run(&t, &c, c1, n1, RRL_ANSWER, 20, 1, v);
	ck_assert_uint_eq(v[RRL_DROP], 10);
	ck_assert_uint_eq(v[RRL_SLIP], 0);
	c.slip = 1; /* truncate every limited one */
	run(&t, &c, c1, n2, RRL_ANSWER, 20, 1, v);
	ck_assert_uint_eq(v[RRL_SLIP], 10);
	ck_assert_uint_eq(v[RRL_DROP], 0);
	c.log_only = true; /* counted, never limited */
	uint64_t before = t.limited;
	run(&t, &c, c2, n1, RRL_ANSWER, 20, 1, v);
	ck_assert_uint_eq(v[RRL_PASS], 20);
	ck_assert_uint_eq(t.limited - before, 10);
	c.log_only = false;
	c.rate = 0; /* off */
	run(&t, &c, c2, n2, RRL_ANSWER, 100, 1, v);
	ck_assert_uint_eq(v[RRL_PASS], 100);
	rrl_table_free(&t);
}
END_TEST

START_TEST(test_exempt)
{
	struct netprefix ex[2];
	ck_assert_int_eq(parse_netprefix("192.0.2.0/25", &ex[0]), 0);
	ck_assert_int_eq(parse_netprefix("2001:db8::/32", &ex[1]), 0);
	struct rrl_config c = cfg();
	c.exempt = ex;
	c.nexempt = 2;
	ck_assert(rrl_exempt(&c, 1, c1));
	ck_assert(!rrl_exempt(&c, 1, c1b)); /* .200 is outside the /25 */
	uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	ck_assert(rrl_exempt(&c, 2, v6));
	ck_assert(!rrl_exempt(&c, 1, v6)); /* family matters */
}
END_TEST

Suite *rrl_suite(void)
{
	Suite *s = suite_create("rrl");
	TCase *tc = tcase_create("accounts");
	tcase_add_test(tc, test_credits_and_slip);
	tcase_add_test(tc, test_accounts);
	tcase_add_test(tc, test_slip_zero_and_one_log_only_off);
	tcase_add_test(tc, test_exempt);
	suite_add_tcase(s, tc);
	return s;
}
