/* Tests for rest_method_name, the one normaliser of method names that the dispatcher (for
 * /rest/<method>) and batch (for each command) share: case, ".json", trailing slashes, and the
 * names it refuses. */
#include "core/base/error.h"
#include "core/rest/rest_internal.h"
#include "t.h"

static const char *norm(const char *s)
{
    static char out[REST_METHOD_NAME_MAX];
    return rest_method_name(s, strlen(s), out, sizeof(out)) ? "(refused)" : out;
}

TEST(rest_method_name_normalises)
{
    char out[REST_METHOD_NAME_MAX];
    CHECK_STR(norm("crm.deal.list"), "crm.deal.list");
    CHECK_STR(norm("CRM.Deal.List"), "crm.deal.list");
    CHECK_STR(norm("crm.deal.list.json"), "crm.deal.list");
    CHECK_STR(norm("CRM.DEAL.LIST.JSON"), "crm.deal.list");
    CHECK_STR(norm("crm.deal.list/"), "crm.deal.list");
    CHECK_STR(norm("crm.deal.list.json//"), "crm.deal.list");
    CHECK_STR(norm("user_option.get"), "user_option.get");
    /* only the given length counts: a batch command's query is not part of the name */
    CHECK_INT(rest_method_name("crm.deal.list?select[]=ID", 13, out, sizeof(out)), 0);
    CHECK_STR(out, "crm.deal.list");
}

TEST(rest_method_name_refuses)
{
    char big[300], out[REST_METHOD_NAME_MAX];
    CHECK_STR(norm(""), "(refused)");
    CHECK_STR(norm("/"), "(refused)");
    CHECK_STR(norm("crm.deal.list.xml"), "(refused)");
    CHECK_STR(norm("crm deal list"), "(refused)");
    CHECK_STR(norm("crm/deal.list"), "(refused)");
    CHECK_STR(norm("crm.deal.list%2f"), "(refused)");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK_STR(norm(big), "(refused)");
    CHECK_INT(rest_method_name("abc", 3, out, 3), -E_INVAL); /* no room for the NUL */
    CHECK_INT(rest_method_name("abc", 3, out, 4), 0);
}
