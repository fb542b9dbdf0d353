#include <check.h>
#include <stdlib.h>
#include "cpwl.h"
START_TEST(placeholder) { ck_assert_int_eq(1, 1); } END_TEST
int main(void) { Suite *s = suite_create("io"); TCase *t = tcase_create("x"); tcase_add_test(t, placeholder); suite_add_tcase(s, t); SRunner *r = srunner_create(s); srunner_run_all(r, CK_NORMAL); int f = srunner_ntests_failed(r); srunner_free(r); return f ? EXIT_FAILURE : EXIT_SUCCESS; }
