/* The price arithmetic of product rows (contract and formulas in crm_productrow.h): one row's
 * four unit prices, its discount as a rate and as a sum, its total and its tax. Pure: no
 * database and no request state, so it is unit-tested directly. Currency conversion is not
 * done (PRICE_ACCOUNT is PRICE). */
#include <math.h>
#include <stdio.h>

#include "core/base/error.h"
#include "modules/crm/crm_productrow.h"

static int fail(char *err, size_t errlen, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", why);
    return -E_INVAL;
}

double crm_round2(double v)
{
    /* a nudge keeps 1.005 (stored as 1.00499...) rounding up, as people expect of money */
    double x = v * 100.0;
    x += x >= 0 ? 1e-7 : -1e-7;
    double r = round(x) / 100.0;
    return r == 0 ? 0 : r; /* no -0 */
}

static bool finite_all(const struct crm_price *p)
{
    return isfinite(p->price) && isfinite(p->exclusive) && isfinite(p->netto) &&
           isfinite(p->brutto) && isfinite(p->quantity) && isfinite(p->discount_rate) &&
           isfinite(p->discount_sum) && isfinite(p->tax_rate);
}

/* The discount type and the checks on the discount inputs. */
static int discount_check(struct crm_price *p, unsigned given, char *err, size_t errlen)
{
    if (!(given & CRM_PRICE_TYPE))
        p->discount_type = (given & CRM_PRICE_SUM) && !(given & CRM_PRICE_RATE)
                               ? CRM_DISCOUNT_ABSOLUTE
                               : CRM_DISCOUNT_PERCENT;
    if (p->discount_type != CRM_DISCOUNT_ABSOLUTE && p->discount_type != CRM_DISCOUNT_PERCENT)
        return fail(err, errlen, "DISCOUNT_TYPE_ID must be 1 (absolute) or 2 (percentage)");
    if (p->discount_type == CRM_DISCOUNT_PERCENT) {
        if ((given & CRM_PRICE_SUM) && !(given & CRM_PRICE_RATE))
            return fail(err, errlen, "a percentage discount needs DISCOUNT_RATE");
        if (!(given & CRM_PRICE_RATE))
            p->discount_rate = 0;
        if (p->discount_rate < 0 || p->discount_rate > 100)
            return fail(err, errlen, "DISCOUNT_RATE must be between 0 and 100");
    } else {
        if ((given & CRM_PRICE_RATE) && !(given & CRM_PRICE_SUM))
            return fail(err, errlen, "an absolute discount needs DISCOUNT_SUM");
        if (!(given & CRM_PRICE_SUM))
            p->discount_sum = 0;
        if (p->discount_sum < 0)
            return fail(err, errlen, "DISCOUNT_SUM must not be negative");
    }
    return 0;
}

/* The final unit price from whichever price the client gave. */
static double final_price(const struct crm_price *p, unsigned given, double t)
{
    if (given & CRM_PRICE_FINAL)
        return p->price;
    if (given & CRM_PRICE_EXCLUSIVE)
        return p->exclusive * t;
    if (given & (CRM_PRICE_NETTO | CRM_PRICE_BRUTTO)) {
        double netto = (given & CRM_PRICE_NETTO) ? p->netto : p->brutto / t;
        double excl = p->discount_type == CRM_DISCOUNT_PERCENT
                          ? netto * (1 - p->discount_rate / 100)
                          : netto - p->discount_sum;
        return excl * t;
    }
    return 0;
}

int crm_price_calc(struct crm_price *p, unsigned given, char *err, size_t errlen)
{
    int rc;
    if (!finite_all(p))
        return fail(err, errlen, "amounts must be finite numbers");
    if (p->quantity < 0)
        return fail(err, errlen, "QUANTITY must not be negative");
    if (p->tax_rate < 0)
        return fail(err, errlen, "TAX_RATE must not be negative");
    if ((rc = discount_check(p, given, err, errlen)))
        return rc;
    double t = 1 + p->tax_rate / 100;
    double price = crm_round2(final_price(p, given, t));
    double excl = price / t, netto, sum, rate;
    if (p->discount_type == CRM_DISCOUNT_PERCENT) {
        rate = p->discount_rate;
        if (rate >= 100) {
            if (price != 0)
                return fail(err, errlen, "a 100% discount leaves PRICE 0");
            netto = (given & CRM_PRICE_NETTO)    ? p->netto
                    : (given & CRM_PRICE_BRUTTO) ? p->brutto / t
                                                 : 0;
        } else {
            netto = excl / (1 - rate / 100);
        }
        sum = netto - excl;
    } else {
        sum = p->discount_sum;
        netto = excl + sum;
        rate = netto != 0 ? sum / netto * 100 : 0;
    }
    p->price = price;
    p->exclusive = crm_round2(excl);
    p->netto = crm_round2(netto);
    p->brutto = crm_round2(netto * t);
    p->discount_sum = crm_round2(sum);
    p->discount_rate = crm_round2(rate);
    return 0;
}

double crm_price_total(const struct crm_price *p)
{
    return crm_round2(p->price * p->quantity);
}

double crm_price_tax(const struct crm_price *p)
{
    double total = crm_price_total(p);
    if (p->tax_rate <= 0)
        return 0;
    return crm_round2(total - total / (1 + p->tax_rate / 100));
}
