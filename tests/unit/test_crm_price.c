/* Product-row price arithmetic (src/modules/crm/crm_price.c): the four unit prices, discounts
 * as rate and sum, totals and taxes, and the inputs it refuses. */
#ifdef KAZI_WITH_CRM
#include <math.h>

#include "core/base/error.h"
#include "modules/crm/crm_productrow.h"
#include "t.h"

/* Amounts compared in cents, so 0.1 + 0.2 style noise cannot fail a test. */
#define CHECK_CENTS(a, b) CHECK_INT(llround((a)*100), llround((b)*100))

TEST(crm_price_round2)
{
    CHECK_INT(llround(crm_round2(1.005) * 1000), 1010);
    CHECK_INT(llround(crm_round2(-1.005) * 1000), -1010);
    CHECK_INT(llround(crm_round2(2.344) * 1000), 2340);
    CHECK(crm_round2(-0.001) == 0);
}

TEST(crm_price_plain_row)
{
    struct crm_price p = {.price = 100, .quantity = 3};
    char err[128];
    CHECK_INT(crm_price_calc(&p, CRM_PRICE_FINAL, err, sizeof(err)), 0);
    CHECK_INT(p.discount_type, CRM_DISCOUNT_PERCENT);
    CHECK_CENTS(p.exclusive, 100.0);
    CHECK_CENTS(p.netto, 100.0);
    CHECK_CENTS(p.brutto, 100.0);
    CHECK_CENTS(crm_price_total(&p), 300.0);
    CHECK_CENTS(crm_price_tax(&p), 0.0);
}

/* The documented example of Bitrix24: 611 after 10% off gives a list price of 678.89. */
TEST(crm_price_percent_discount)
{
    struct crm_price p = {.price = 611, .quantity = 1, .discount_type = 2, .discount_rate = 10};
    char err[128];
    CHECK_INT(
        crm_price_calc(&p, CRM_PRICE_FINAL | CRM_PRICE_TYPE | CRM_PRICE_RATE, err, sizeof(err)), 0);
    CHECK_CENTS(p.exclusive, 611.0);
    CHECK_CENTS(p.netto, 678.89);
    CHECK_CENTS(p.discount_sum, 67.89);
    CHECK_CENTS(p.brutto, 678.89);
}

TEST(crm_price_tax_and_discount)
{
    struct crm_price p = {.price = 100, .quantity = 2, .discount_rate = 10, .tax_rate = 20};
    char err[128];
    CHECK_INT(crm_price_calc(&p, CRM_PRICE_FINAL | CRM_PRICE_RATE, err, sizeof(err)), 0);
    CHECK_CENTS(p.exclusive, 83.33);
    CHECK_CENTS(p.netto, 92.59);
    CHECK_CENTS(p.brutto, 111.11);
    CHECK_CENTS(p.discount_sum, 9.26);
    CHECK_CENTS(crm_price_total(&p), 200.0);
    CHECK_CENTS(crm_price_tax(&p), 33.33);
}

TEST(crm_price_from_netto_absolute)
{
    struct crm_price p = {.netto = 50, .quantity = 3, .discount_sum = 5};
    char err[128];
    CHECK_INT(crm_price_calc(&p, CRM_PRICE_NETTO | CRM_PRICE_SUM, err, sizeof(err)), 0);
    CHECK_INT(p.discount_type, CRM_DISCOUNT_ABSOLUTE);
    CHECK_CENTS(p.price, 45.0);
    CHECK_CENTS(p.discount_rate, 10.0);
    CHECK_CENTS(crm_price_total(&p), 135.0);
}

TEST(crm_price_from_exclusive_with_tax)
{
    struct crm_price p = {.exclusive = 100, .quantity = 1, .tax_rate = 18};
    char err[128];
    CHECK_INT(crm_price_calc(&p, CRM_PRICE_EXCLUSIVE, err, sizeof(err)), 0);
    CHECK_CENTS(p.price, 118.0);
    CHECK_CENTS(crm_price_tax(&p), 18.0);
}

TEST(crm_price_refusals)
{
    char err[128];
    struct crm_price p = {.price = 10, .quantity = -1};
    CHECK_INT(crm_price_calc(&p, CRM_PRICE_FINAL, err, sizeof(err)), -E_INVAL);
    p = (struct crm_price){.price = 10, .quantity = 1, .discount_type = 2, .discount_sum = 3};
    CHECK_INT(
        crm_price_calc(&p, CRM_PRICE_FINAL | CRM_PRICE_TYPE | CRM_PRICE_SUM, err, sizeof(err)),
        -E_INVAL);
    CHECK_STR(err, "a percentage discount needs DISCOUNT_RATE");
    p = (struct crm_price){.price = 10, .quantity = 1, .discount_type = 3};
    CHECK_INT(crm_price_calc(&p, CRM_PRICE_FINAL | CRM_PRICE_TYPE, err, sizeof(err)), -E_INVAL);
    p = (struct crm_price){.price = 10, .quantity = 1, .discount_rate = 120};
    CHECK_INT(crm_price_calc(&p, CRM_PRICE_FINAL | CRM_PRICE_RATE, err, sizeof(err)), -E_INVAL);
    p = (struct crm_price){.price = 10, .quantity = 1, .discount_rate = 100};
    CHECK_INT(crm_price_calc(&p, CRM_PRICE_FINAL | CRM_PRICE_RATE, err, sizeof(err)), -E_INVAL);
    p = (struct crm_price){.price = 10, .quantity = 1, .tax_rate = -5};
    CHECK_INT(crm_price_calc(&p, CRM_PRICE_FINAL, err, sizeof(err)), -E_INVAL);
}
#endif
