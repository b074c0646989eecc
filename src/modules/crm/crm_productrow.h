/* Product rows of CRM records (deals, leads, quotes, smart invoices): the price arithmetic
 * (crm_price.c, pure), the row store and the owner's amount (crm_productrow.c), shared by the
 * legacy crm.<x>.productrows.* methods and the typed crm.item.productrow.* ones
 * (crm_productrow_item.c). Internal to src/modules/crm/.
 *
 * The arithmetic, per row (r = TAX_RATE / 100, amounts rounded to 2 decimals):
 *   PRICE            final unit price: after the discount, tax inside (whatever TAX_INCLUDED
 *                    says; that flag only tells how the price was shown to the customer)
 *   PRICE_EXCLUSIVE  = PRICE / (1 + r)                 after discount, without tax
 *   PRICE_NETTO      = PRICE_EXCLUSIVE + DISCOUNT_SUM   before discount, without tax
 *   PRICE_BRUTTO     = PRICE_NETTO * (1 + r)           before discount, with tax
 *   percentage discount (DISCOUNT_TYPE_ID 2): PRICE_NETTO = PRICE_EXCLUSIVE / (1 - RATE/100)
 *   absolute discount (1): DISCOUNT_RATE = DISCOUNT_SUM / PRICE_NETTO * 100
 * When PRICE is not given it comes from PRICE_EXCLUSIVE (times 1 + r), else from PRICE_NETTO
 * or PRICE_BRUTTO with the discount and the tax applied. Row total = PRICE * QUANTITY, row tax
 * = total - total / (1 + r), both rounded; the owner's OPPORTUNITY is the sum of row totals and
 * TAX_VALUE the sum of row taxes, unless the owner has IS_MANUAL_OPPORTUNITY = 'Y'. */
#ifndef KAZI_CRM_PRODUCTROW_H
#define KAZI_CRM_PRODUCTROW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rest_call;
struct db;
struct db_stmt;
struct crm_entity_def;

enum crm_discount_type { CRM_DISCOUNT_ABSOLUTE = 1, CRM_DISCOUNT_PERCENT = 2 };

/* Which inputs a client gave (the others are derived). */
enum crm_price_given {
    CRM_PRICE_FINAL = 1 << 0,     /* PRICE */
    CRM_PRICE_EXCLUSIVE = 1 << 1, /* PRICE_EXCLUSIVE */
    CRM_PRICE_NETTO = 1 << 2,     /* PRICE_NETTO */
    CRM_PRICE_BRUTTO = 1 << 3,    /* PRICE_BRUTTO */
    CRM_PRICE_RATE = 1 << 4,      /* DISCOUNT_RATE */
    CRM_PRICE_SUM = 1 << 5,       /* DISCOUNT_SUM */
    CRM_PRICE_TYPE = 1 << 6,      /* DISCOUNT_TYPE_ID */
};

struct crm_price {
    double price, exclusive, netto, brutto; /* per unit */
    double quantity;
    int discount_type;                  /* enum crm_discount_type */
    double discount_rate, discount_sum; /* percent; per unit */
    double tax_rate;                    /* percent */
};

/* Rounds to 2 decimals, half away from zero. */
double crm_round2(double v);

/* Completes p from the inputs named in given (see the arithmetic above) and rounds every
 * amount. The discount type is inferred when not given: absolute when only DISCOUNT_SUM is.
 * Returns 0, or -E_INVAL with a lower-case reason in err (negative quantity, tax or discount,
 * a percentage over 100, a discount type other than 1 and 2, a percentage type with only
 * DISCOUNT_SUM or an absolute one with only DISCOUNT_RATE, a 100% discount on a non-zero
 * price). */
int crm_price_calc(struct crm_price *p, unsigned given, char *err, size_t errlen);

/* Row total and row tax of a completed row (rounded). */
double crm_price_total(const struct crm_price *p);
double crm_price_tax(const struct crm_price *p);

/* ---- rows (crm_productrow.c) ------------------------------------------------------------- */

/* One row as stored. Strings are borrowed (from the input or the call's arena). */
struct crm_prow {
    int64_t id, owner_id, product_id, sort, measure_code;
    const char *owner_type; /* "D", "L", "Q", "SI" */
    const char *product_name, *measure_name;
    const char *original_name, *description; /* the product's, when loaded; may be NULL */
    bool tax_included;
    struct crm_price p;
};

/* The entity of an owner type code ("D", "L", "Q", "SI"; case-insensitive), or NULL.
 * *code (may be NULL) gets the canonical static code. Borrowed. */
const struct crm_entity_def *crm_prow_owner_def(const char *type, const char **code);
/* The owner type code of an entity type id, or NULL when it has no product rows. Static. */
const char *crm_prow_owner_code(int type_id);

/* Parses one client row (UPPER or camelCase names) into *r. With base (update) unset inputs
 * keep base's values; without it they get the defaults (QUANTITY 1, percentage discount,
 * MEASURE_CODE 796 "pcs", SORT default_sort). Checks PRODUCT_ID names an existing product
 * (its name is the default PRODUCT_NAME; 0 is a free-text row, "[0]" when unnamed). Fails
 * the call with 400 (INVALID_ARG_VALUE for a malformed value, ERROR_CORE for a missing product
 * or inconsistent prices) naming the row as what. Returns 0 or rest_fail's value. */
int crm_prow_parse(struct rest_call *c, const json_t *in, const struct crm_prow *base,
                   int64_t default_sort, const char *what, struct crm_prow *r);

/* Row storage: insert (sets r->id), update, delete, load one, load an owner's rows by SORT
 * and id (arena array in *rows), delete an owner's rows. Return 0, -E_NOTFOUND (load of a
 * missing id) or a database error. Loaded strings live in the call's arena. */
int crm_prow_insert(struct rest_call *c, struct crm_prow *r);
int crm_prow_update(struct rest_call *c, const struct crm_prow *r);
int crm_prow_delete(struct db *db, int64_t id);
int crm_prow_load(struct rest_call *c, int64_t id, struct crm_prow *r);
int crm_prow_load_owner(struct rest_call *c, const char *owner_type, int64_t owner_id,
                        struct crm_prow **rows, size_t *n);

/* A row list for rest_list (core/rest/list.h): the page select and the count, to be followed
 * by " WHERE" and a condition over the columns of crm_product_row as "r.<column>", and the
 * row reader (ctx unused) giving a row typed as crm_prow_json does (new reference). */
extern const char crm_prow_list_select[];
extern const char crm_prow_list_count[];
json_t *crm_prow_list_row(struct rest_call *c, struct db_stmt *st, void *ctx);
/* Replaces every row of owner (def, id) with the list in parameter param (checked before
 * anything is written) and syncs the owner's amount. *out gets the rows typed (new
 * reference). Returns 0 or rest_fail's value. */
int crm_prow_replace(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                     const char *param, json_t **out);

/* The name of product id in the call's arena; -E_NOTFOUND when there is no such product
 * (crm_product.c). */
int crm_product_name(struct rest_call *c, int64_t id, const char **name);

/* Deletes the rows of record (type_id, id) (the engine calls it when the record goes). */
int crm_productrow_drop(struct db *db, int type_id, int64_t id);
/* Makes free-text rows of the rows of a deleted product. */
int crm_productrow_unlink_product(struct db *db, int64_t product_id);

/* Checks the owner record exists (400 NOT_FOUND, with message not_found) and that the caller
 * may do action (enum perm_action) on it (403). Returns 0 or rest_fail's value. */
int crm_prow_owner_check(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                         int action, const char *not_found);
/* Recomputes the owner's OPPORTUNITY and TAX_VALUE from its rows (unless
 * IS_MANUAL_OPPORTUNITY is 'Y'), through the engine so history and ONCRM<X>UPDATE follow
 * when they change. Returns 0 or rest_fail's value. */
int crm_prow_sync_owner(struct rest_call *c, const struct crm_entity_def *def, int64_t id);

/* Row as the legacy methods answer it (UPPER names) or typed (camelCase). New reference. */
json_t *crm_prow_json(const struct crm_prow *r, bool typed);

#endif
