/* Tests for the list-query compiler: SQL text and binds for every operator on every field
 * type, errors and caps, value independence of the SQL text, order/select/paging, and real
 * queries against a SQLite file to prove the SQL is valid and selects the right rows. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/textfold.h"
#include "core/base/timeutil.h"
#include "core/db/sqlfunc.h"
#include "core/rest/filter.h"
#include "t.h"

#define ALL (FIELD_FILTER | FIELD_SORT | FIELD_SELECT)
#define PHONE_SQL "t.id IN (SELECT owner_id FROM fm WHERE type = 'PHONE' AND value = ?)"

static const struct field_def F[] = {
    {"ID", "t.id", FIELD_INT, ALL, NULL},
    {"I", "t.i", FIELD_INT, ALL, NULL},
    {"D", "t.d", FIELD_DOUBLE, ALL, NULL},
    {"S", "t.s", FIELD_STRING, ALL, NULL},
    {"B", "t.b", FIELD_BOOL, ALL, NULL},
    {"DT", "t.dt", FIELD_DATETIME, ALL, NULL},
    {"DA", "t.da", FIELD_DATE, ALL, NULL},
    {"C", "t.c", FIELD_CHAR, ALL, NULL},
    {"PHONE", "NULL", FIELD_STRING, FIELD_FILTER | FIELD_SELECT | FIELD_MULTI, PHONE_SQL},
    {"stageId", "t.stage_id", FIELD_STRING, ALL, NULL},
    {"name", "t.name", FIELD_STRING, ALL, NULL},
    {"lastName", "t.last_name", FIELD_STRING, ALL, NULL},
    {"UF_CRM_X", "t.uf_x", FIELD_STRING, ALL | FIELD_UF, NULL},
    {"HIDDEN", "t.hidden", FIELD_STRING, FIELD_SELECT, NULL},
    {"NOSEL", "t.nosel", FIELD_INT, FIELD_FILTER, NULL},
};
#define NF ARRAY_SIZE(F)

/* Test JSON is written with ' for " to keep it readable. */
static const char *q(const char *s)
{
    static char bufs[2][16384];
    static int which;
    char *b = bufs[which ^= 1];
    snprintf(b, sizeof(bufs[0]), "%s", s);
    for (char *p = b; *p; p++)
        if (*p == '\'')
            *p = '"';
    return b;
}

static char r_sql[16384], r_binds[16384], r_err[256];

static int run_json(const json_t *f, enum sql_dialect d)
{
    struct strbuf sb;
    json_t *b = json_array();
    strbuf_init(&sb, 0);
    r_err[0] = '\0';
    int rc = filter_compile(F, NF, f, d, &sb, b, r_err, sizeof(r_err));
    char *bs = json_dumps(b, JSON_COMPACT);
    snprintf(r_sql, sizeof(r_sql), "%s", sb.buf);
    snprintf(r_binds, sizeof(r_binds), "%s", bs);
    free(bs);
    strbuf_release(&sb);
    json_decref(b);
    return rc;
}

static int run_d(const char *filter, enum sql_dialect d)
{
    json_t *f = json_loads(q(filter), JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!f) {
        snprintf(r_err, sizeof(r_err), "test json does not parse");
        return -9999;
    }
    int rc = run_json(f, d);
    json_decref(f);
    return rc;
}

static int run(const char *filter)
{
    return run_d(filter, SQL_SQLITE);
}

struct ok_case {
    const char *filter, *sql, *binds;
};

static const struct ok_case ok_cases[] = {
    /* empty */
    {"{}", "1=1", "[]"},
    {"null", "1=1", "[]"},
    {"[]", "1=1", "[]"},
    {"''", "1=1", "[]"},
    /* FIELD_INT */
    {"{'I':5}", "t.i = ?", "[5]"},
    {"{'=I':'5'}", "t.i = ?", "[5]"},
    {"{'!I':5}", "(t.i IS NULL OR t.i <> ?)", "[5]"},
    {"{'!=I':'-7'}", "(t.i IS NULL OR t.i <> ?)", "[-7]"},
    {"{'>I':'-3'}", "t.i > ?", "[-3]"},
    {"{'>=I':1.5}", "t.i >= ?", "[1.5]"},
    {"{'<I':2}", "t.i < ?", "[2]"},
    {"{'<=I':2.0}", "t.i <= ?", "[2]"},
    {"{'<=I':'2.5'}", "t.i <= ?", "[2.5]"},
    {"{'I':true}", "t.i = ?", "[1]"},
    {"{'@I':[1,'2']}", "t.i IN (?, ?)", "[1,2]"},
    {"{'@I':3}", "t.i IN (?)", "[3]"},
    {"{'@I':{'0':'4','1':5}}", "t.i IN (?, ?)", "[4,5]"},
    {"{'!@I':{'0':1,'1':2}}", "(t.i IS NULL OR t.i NOT IN (?, ?))", "[1,2]"},
    {"{'I':[1,2]}", "t.i IN (?, ?)", "[1,2]"},
    {"{'!I':[1]}", "(t.i IS NULL OR t.i NOT IN (?))", "[1]"},
    {"{'><I':[1,10]}", "t.i BETWEEN ? AND ?", "[1,10]"},
    {"{'!><I':['1','10']}", "(t.i IS NULL OR t.i NOT BETWEEN ? AND ?)", "[1,10]"},
    {"{'I':''}", "t.i IS NULL", "[]"},
    {"{'!I':''}", "t.i IS NOT NULL", "[]"},
    {"{'I':null}", "t.i IS NULL", "[]"},
    {"{'!=I':null}", "t.i IS NOT NULL", "[]"},
    {"{'@I':[]}", "1=0", "[]"},
    {"{'!@I':[]}", "1=1", "[]"},
    {"{'I':[]}", "1=0", "[]"},
    {"{'!I':{}}", "1=1", "[]"},
    {"{'I':'99999999999999999999'}", "t.i = ?", "[1e20]"},
    /* FIELD_DOUBLE */
    {"{'D':'1.5e2'}", "t.d = ?", "[150.0]"},
    {"{'>D':3}", "t.d > ?", "[3.0]"},
    {"{'<=D':'-0.25'}", "t.d <= ?", "[-0.25]"},
    {"{'@D':['1','2.5']}", "t.d IN (?, ?)", "[1.0,2.5]"},
    {"{'><D':[0,'9.5']}", "t.d BETWEEN ? AND ?", "[0.0,9.5]"},
    {"{'!D':'+.5'}", "(t.d IS NULL OR t.d <> ?)", "[0.5]"},
    /* FIELD_STRING */
    {"{'S':'abc'}", "t.s = ?", "['abc']"},
    {"{'S':5}", "t.s = ?", "['5']"},
    {"{'S':1.5}", "t.s = ?", "['1.5']"},
    {"{'S':''}", "(t.s IS NULL OR t.s = '')", "[]"},
    {"{'!S':''}", "(t.s IS NOT NULL AND t.s <> '')", "[]"},
    {"{'>S':'b'}", "t.s > ?", "['b']"},
    {"{'<=S':'b'}", "t.s <= ?", "['b']"},
    {"{'%S':'a%b'}", "t.s LIKE ? ESCAPE '\\'", "['%a\\\\%b%']"},
    {"{'?S':'x_y'}", "t.s LIKE ? ESCAPE '\\'", "['%x\\\\_y%']"},
    {"{'=%S':'ab%'}", "t.s LIKE ? ESCAPE '\\'", "['ab%']"},
    {"{'%=S':'a\\\\b_%'}", "t.s LIKE ? ESCAPE '\\'", "['a\\\\\\\\b_%']"},
    {"{'!%S':'x'}", "(t.s IS NULL OR t.s NOT LIKE ? ESCAPE '\\')", "['%x%']"},
    {"{'!=%S':'x%'}", "(t.s IS NULL OR t.s NOT LIKE ? ESCAPE '\\')", "['x%']"},
    {"{'!%=S':'x%'}", "(t.s IS NULL OR t.s NOT LIKE ? ESCAPE '\\')", "['x%']"},
    {"{'%S':['a','b']}", "(t.s LIKE ? ESCAPE '\\' OR t.s LIKE ? ESCAPE '\\')", "['%a%','%b%']"},
    {"{'!%S':['a','b']}",
     "((t.s IS NULL OR t.s NOT LIKE ? ESCAPE '\\') AND (t.s IS NULL OR t.s NOT LIKE ? ESCAPE "
     "'\\'))",
     "['%a%','%b%']"},
    {"{'%S':[]}", "1=0", "[]"},
    {"{'!%S':[]}", "1=1", "[]"},
    {"{'@S':['a','']}", "t.s IN (?, ?)", "['a','']"},
    {"{'!@S':'a'}", "(t.s IS NULL OR t.s NOT IN (?))", "['a']"},
    {"{'><S':['a','m']}", "t.s BETWEEN ? AND ?", "['a','m']"},
    {"{'!><S':['a','m']}", "(t.s IS NULL OR t.s NOT BETWEEN ? AND ?)", "['a','m']"},
    /* FIELD_BOOL */
    {"{'B':'Y'}", "t.b = ?", "[1]"},
    {"{'B':'n'}", "t.b = ?", "[0]"},
    {"{'B':true}", "t.b = ?", "[1]"},
    {"{'B':'false'}", "t.b = ?", "[0]"},
    {"{'B':'TRUE'}", "t.b = ?", "[1]"},
    {"{'B':'1'}", "t.b = ?", "[1]"},
    {"{'B':0}", "t.b = ?", "[0]"},
    {"{'!B':'Y'}", "(t.b IS NULL OR t.b <> ?)", "[1]"},
    {"{'@B':['Y','N']}", "t.b IN (?, ?)", "[1,0]"},
    {"{'!@B':['Y']}", "(t.b IS NULL OR t.b NOT IN (?))", "[1]"},
    {"{'B':''}", "t.b IS NULL", "[]"},
    /* FIELD_CHAR */
    {"{'C':'Y'}", "t.c = ?", "['Y']"},
    {"{'C':false}", "t.c = ?", "['N']"},
    {"{'C':'1'}", "t.c = ?", "['Y']"},
    {"{'!C':'n'}", "(t.c IS NULL OR t.c <> ?)", "['N']"},
    {"{'@C':['Y','0']}", "t.c IN (?, ?)", "['Y','N']"},
    {"{'!@C':['N']}", "(t.c IS NULL OR t.c NOT IN (?))", "['N']"},
    {"{'C':''}", "(t.c IS NULL OR t.c = '')", "[]"},
    /* FIELD_DATETIME */
    {"{'>=DT':'2024-07-23T08:11:02+02:00'}", "t.dt >= ?", "[1721715062]"},
    {"{'DT':'2024-07-23T06:11:02Z'}", "t.dt = ?", "[1721715062]"},
    {"{'!DT':'2024-07-23T06:11:02.5+00:00'}", "(t.dt IS NULL OR t.dt <> ?)", "[1721715062]"},
    {"{'<DT':1721715062}", "t.dt < ?", "[1721715062]"},
    {"{'<=DT':'2024-07-23 09:11:02+0300'}", "t.dt <= ?", "[1721715062]"},
    {"{'>DT':'23.07.2024T06:11:02Z'}", "t.dt > ?", "[1721715062]"},
    {"{'><DT':['2024-01-01T00:00:00Z','2024-12-31T23:59:59+00:00']}", "t.dt BETWEEN ? AND ?",
     "[1704067200,1735689599]"},
    {"{'!><DT':['2024-01-01T00:00:00Z','2024-12-31T23:59:59Z']}",
     "(t.dt IS NULL OR t.dt NOT BETWEEN ? AND ?)", "[1704067200,1735689599]"},
    {"{'@DT':['2024-01-01T00:00:00Z']}", "t.dt IN (?)", "[1704067200]"},
    {"{'!@DT':['2024-01-01T00:00:00Z']}", "(t.dt IS NULL OR t.dt NOT IN (?))", "[1704067200]"},
    {"{'DT':''}", "t.dt IS NULL", "[]"},
    /* FIELD_DATE */
    {"{'DA':'2024-02-29'}", "t.da = ?", "['2024-02-29']"},
    {"{'!DA':'2024-02-29'}", "(t.da IS NULL OR t.da <> ?)", "['2024-02-29']"},
    {"{'>DA':'2024-07-23T08:11:02+02:00'}", "t.da > ?", "['2024-07-23']"},
    {"{'>=DA':'2024-07-23T23:30:00-05:00'}", "t.da >= ?", "['2024-07-23']"},
    {"{'<DA':'11.11.1999'}", "t.da < ?", "['1999-11-11']"},
    {"{'<=DA':'1999-11-11'}", "t.da <= ?", "['1999-11-11']"},
    {"{'@DA':['2024-01-01','2024-01-02']}", "t.da IN (?, ?)", "['2024-01-01','2024-01-02']"},
    {"{'!@DA':['2024-01-01']}", "(t.da IS NULL OR t.da NOT IN (?))", "['2024-01-01']"},
    {"{'><DA':['2024-01-01','2024-01-31']}", "t.da BETWEEN ? AND ?", "['2024-01-01','2024-01-31']"},
    {"{'!><DA':['2024-01-01','2024-01-31']}", "(t.da IS NULL OR t.da NOT BETWEEN ? AND ?)",
     "['2024-01-01','2024-01-31']"},
    {"{'DA':''}", "(t.da IS NULL OR t.da = '')", "[]"},
    /* FIELD_MULTI */
    {"{'PHONE':'+4930'}", "(" PHONE_SQL ")", "['+4930']"},
    {"{'=PHONE':'+4930'}", "(" PHONE_SQL ")", "['+4930']"},
    {"{'@PHONE':['1','2']}", "((" PHONE_SQL ") OR (" PHONE_SQL "))", "['1','2']"},
    {"{'PHONE':{'0':'1'}}", "(" PHONE_SQL ")", "['1']"},
    {"{'@PHONE':[]}", "1=0", "[]"},
    /* names match case-insensitively */
    {"{'stageid':'NEW'}", "t.stage_id = ?", "['NEW']"},
    {"{'@STAGEID':['NEW']}", "t.stage_id IN (?)", "['NEW']"},
    {"{'i':1,'>=d':2}", "(t.i = ? AND t.d >= ?)", "[1,2.0]"},
    /* groups and logic */
    {"{'logic':'OR','I':1,'S':'a'}", "(t.i = ? OR t.s = ?)", "[1,'a']"},
    {"{'I':1,'LOGIC':'or','S':'a'}", "(t.i = ? OR t.s = ?)", "[1,'a']"},
    {"{'logic':'and','I':1,'S':'a'}", "(t.i = ? AND t.s = ?)", "[1,'a']"},
    {"[{'I':1},{'S':'a'}]", "(t.i = ? AND t.s = ?)", "[1,'a']"},
    {"{'0':{'logic':'OR','I':1,'S':'a'},'D':2}", "((t.i = ? OR t.s = ?) AND t.d = ?)",
     "[1,'a',2.0]"},
    {"{'0':{}}", "1=1", "[]"},
    {"{'logic':'OR'}", "1=1", "[]"},
    {"{'sub':{'I':1}}", "t.i = ?", "[1]"},
    {"{'0':[{'I':1},{'I':2}]}", "(t.i = ? AND t.i = ?)", "[1,2]"},
    {"{'0':{'logic':'OR','0':{'I':1,'S':'x'},'1':{'I':2}}}", "((t.i = ? AND t.s = ?) OR t.i = ?)",
     "[1,'x',2]"},
    /* the crm.item.list example of the protocol notes, JSON and form-encoded */
    {"{'0':{'logic':'OR','0':{'!=name':''},'1':{'!=lastName':''}},"
     "'@stageId':['NEW','IN_PROCESS'],'>=D':5000}",
     "(((t.name IS NOT NULL AND t.name <> '') OR (t.last_name IS NOT NULL AND t.last_name <> "
     "'')) AND t.stage_id IN (?, ?) AND t.d >= ?)",
     "['NEW','IN_PROCESS',5000.0]"},
    {"{'0':{'logic':'OR','0':{'!=name':''},'1':{'!=lastName':''}},"
     "'@stageId':{'0':'NEW','1':'IN_PROCESS'},'>=D':'5000'}",
     "(((t.name IS NOT NULL AND t.name <> '') OR (t.last_name IS NOT NULL AND t.last_name <> "
     "'')) AND t.stage_id IN (?, ?) AND t.d >= ?)",
     "['NEW','IN_PROCESS',5000.0]"},
};

TEST(filter_every_operator_on_every_type)
{
    for (size_t i = 0; i < ARRAY_SIZE(ok_cases); i++) {
        const struct ok_case *c = &ok_cases[i];
        int rc = run(c->filter);
        if (rc) {
            t_fail(__FILE__, __LINE__, "%s: rc %d: %s", c->filter, rc, r_err);
            return;
        }
        if (strcmp(r_sql, c->sql)) {
            t_fail(__FILE__, __LINE__, "%s: sql \"%s\" != \"%s\"", c->filter, r_sql, c->sql);
            return;
        }
        if (strcmp(r_binds, q(c->binds))) {
            t_fail(__FILE__, __LINE__, "%s: binds %s != %s", c->filter, r_binds, q(c->binds));
            return;
        }
    }
}

TEST(filter_like_folds_other_scripts)
{
    /* SQLite: a pattern with letters outside ASCII is lower-cased and the column folded */
    CHECK_INT(run("{'%S':'ÁGUA'}"), 0);
    CHECK_STR(r_sql, "kazi_fold(t.s) LIKE ? ESCAPE '\\'");
    CHECK_STR(r_binds, "[\"%água%\"]");
    CHECK_INT(run("{'!%S':'Élise'}"), 0);
    CHECK_STR(r_sql, "(t.s IS NULL OR kazi_fold(t.s) NOT LIKE ? ESCAPE '\\')");
    CHECK_STR(r_binds, "[\"%élise%\"]");
    /* ASCII patterns keep the plain LIKE (it folds ASCII itself, and can use the index) */
    CHECK_INT(run("{'%S':'Solar'}"), 0);
    CHECK_STR(r_sql, "t.s LIKE ? ESCAPE '\\'");
    CHECK_STR(r_binds, "[\"%Solar%\"]");
    /* PostgreSQL's ILIKE folds every script: the pattern is sent as typed */
    CHECK_INT(run_d("{'%S':'ÁGUA'}", SQL_POSTGRES), 0);
    CHECK_STR(r_sql, "t.s ILIKE ? ESCAPE '\\'");
    CHECK_STR(r_binds, "[\"%ÁGUA%\"]");
}

TEST(filter_postgres_uses_ilike)
{
    CHECK_INT(run_d("{'%S':'a'}", SQL_POSTGRES), 0);
    CHECK_STR(r_sql, "t.s ILIKE ? ESCAPE '\\'");
    CHECK_INT(run_d("{'!=%S':'a'}", SQL_POSTGRES), 0);
    CHECK_STR(r_sql, "(t.s IS NULL OR t.s NOT ILIKE ? ESCAPE '\\')");
    CHECK_INT(run_d("{'I':1}", SQL_POSTGRES), 0);
    CHECK_STR(r_sql, "t.i = ?");
}

TEST(filter_local_dates)
{
    int64_t t = 0;
    char want[64];
    /* a date or a datetime without offset is server-local time */
    CHECK_INT(time_parse_iso("2024-01-01", &t), 0);
    snprintf(want, sizeof(want), "[%lld]", (long long)t);
    CHECK_INT(run("{'>=DT':'2024-01-01'}"), 0);
    CHECK_STR(r_binds, want);
    CHECK_INT(time_parse_iso("2024-02-01 10:00:00", &t), 0);
    snprintf(want, sizeof(want), "[%lld]", (long long)t);
    CHECK_INT(run("{'DT':'01.02.2024 10:00:00'}"), 0);
    CHECK_STR(r_binds, want);
}

struct err_case {
    const char *filter;
    int rc;
    const char *err;
};

static const struct err_case err_cases[] = {
    {"{'FOO':1}", -E_INVAL, "filter field 'FOO' is unknown"},
    {"{'>=FOO':1}", -E_INVAL, "filter field 'FOO' is unknown"},
    {"{'FOO':[1,2]}", -E_INVAL, "filter field 'FOO' is unknown"},
    {"{'@FOO':{'I':1}}", -E_INVAL, "filter field 'FOO' is unknown"},
    {"{'':1}", -E_INVAL, "filter field '' is unknown"},
    {"{'>':1}", -E_INVAL, "filter field '' is unknown"},
    {"{'<>ID':1}", -E_INVAL, "filter operator in '<>ID' is not supported"},
    {"{'>>ID':1}", -E_INVAL, "filter operator in '>>ID' is not supported"},
    {"{'=>ID':1}", -E_INVAL, "filter operator in '=>ID' is not supported"},
    {"{'!!ID':1}", -E_INVAL, "filter operator in '!!ID' is not supported"},
    {"{'>=I':'abc'}", -E_INVAL, "filter value for '>=I' is not a number"},
    {"{'I':'1x'}", -E_INVAL, "filter value for 'I' is not a number"},
    {"{'I':'0x10'}", -E_INVAL, "filter value for 'I' is not a number"},
    {"{'I':' 1'}", -E_INVAL, "filter value for 'I' is not a number"},
    {"{'I':'1e'}", -E_INVAL, "filter value for 'I' is not a number"},
    {"{'I':'.'}", -E_INVAL, "filter value for 'I' is not a number"},
    {"{'D':'nan'}", -E_INVAL, "filter value for 'D' is not a number"},
    {"{'D':'1e999'}", -E_INVAL, "filter value for 'D' is not a number"},
    {"{'I':'1\\u00002'}", -E_INVAL, "filter value for 'I' is not a number"},
    {"{'@I':[1,'x']}", -E_INVAL, "filter value for '@I' is not a number"},
    {"{'>=DT':'yesterday'}", -E_INVAL, "filter value for '>=DT' is not a date"},
    {"{'DT':'2024-02-30'}", -E_INVAL, "filter value for 'DT' is not a date"},
    {"{'DT':true}", -E_INVAL, "filter value for 'DT' is not a date"},
    {"{'DA':'2024-13-01'}", -E_INVAL, "filter value for 'DA' is not a date"},
    {"{'DA':5}", -E_INVAL, "filter value for 'DA' is not a date"},
    {"{'DA':'1.1.2024'}", -E_INVAL, "filter value for 'DA' is not a date"},
    {"{'B':'maybe'}", -E_INVAL, "filter value for 'B' is not Y or N"},
    {"{'B':2}", -E_INVAL, "filter value for 'B' is not Y or N"},
    {"{'C':'yes'}", -E_INVAL, "filter value for 'C' is not Y or N"},
    {"{'%I':'1'}", -E_INVAL, "filter operator '%' is not allowed for 'I'"},
    {"{'?D':'1'}", -E_INVAL, "filter operator '?' is not allowed for 'D'"},
    {"{'%DT':'x'}", -E_INVAL, "filter operator '%' is not allowed for 'DT'"},
    {"{'=%DA':'x'}", -E_INVAL, "filter operator '=%' is not allowed for 'DA'"},
    {"{'>B':'Y'}", -E_INVAL, "filter operator '>' is not allowed for 'B'"},
    {"{'><C':['N','Y']}", -E_INVAL, "filter operator '><' is not allowed for 'C'"},
    {"{'!%C':'Y'}", -E_INVAL, "filter operator '!%' is not allowed for 'C'"},
    {"{'!PHONE':'1'}", -E_INVAL, "filter operator '!' is not allowed for 'PHONE'"},
    {"{'!@phone':['1']}", -E_INVAL, "filter operator '!@' is not allowed for 'PHONE'"},
    {"{'%PHONE':'1'}", -E_INVAL, "filter operator '%' is not allowed for 'PHONE'"},
    {"{'PHONE':null}", -E_INVAL, "filter value for 'PHONE' must be a value or a list of values"},
    {"{'HIDDEN':'x'}", -E_INVAL, "filter field 'HIDDEN' is not filterable"},
    {"{'>I':[1,2]}", -E_INVAL, "filter value for '>I' must be a single value"},
    {"{'><I':[1]}", -E_INVAL, "filter value for '><I' must be a list of two values"},
    {"{'><I':[1,2,3]}", -E_INVAL, "filter value for '><I' must be a list of two values"},
    {"{'!><I':5}", -E_INVAL, "filter value for '!><I' must be a list of two values"},
    {"{'><I':[1,null]}", -E_INVAL, "filter value for '><I' must be a value or a list of values"},
    {"{'I':{'a':1}}", -E_INVAL, "filter value for 'I' must be a value or a list of values"},
    {"{'@I':[[1]]}", -E_INVAL, "filter value for '@I' must be a value or a list of values"},
    {"{'@I':[null]}", -E_INVAL, "filter value for '@I' must be a value or a list of values"},
    {"{'>I':null}", -E_INVAL, "filter value for '>I' must not be null"},
    {"{'%S':null}", -E_INVAL, "filter value for '%S' must be a string or a list of strings"},
    {"{'%S':[{}]}", -E_INVAL, "filter value for '%S' must be a value or a list of values"},
    {"{'logic':'XOR','I':1}", -E_INVAL, "filter logic must be AND or OR"},
    {"{'0':{'logic':1,'I':1}}", -E_INVAL, "filter logic must be AND or OR"},
    {"'x'", -E_INVAL, "filter must be an object"},
    {"5", -E_INVAL, "filter must be an object"},
    {"true", -E_INVAL, "filter must be an object"},
    {"{'0':5}", -E_INVAL, "filter item '0' is not a group of conditions"},
    {"[1]", -E_INVAL, "filter item '0' is not a group of conditions"},
    {"{'0':{'I':1,'FOO':2}}", -E_INVAL, "filter field 'FOO' is unknown"},
};

TEST(filter_bad_input)
{
    for (size_t i = 0; i < ARRAY_SIZE(err_cases); i++) {
        const struct err_case *c = &err_cases[i];
        int rc = run(c->filter);
        if (rc != c->rc || strcmp(r_err, c->err) || r_sql[0] || strcmp(r_binds, "[]")) {
            t_fail(__FILE__, __LINE__, "%s: rc %d err \"%s\" sql \"%s\" binds %s", c->filter, rc,
                   r_err, r_sql, r_binds);
            return;
        }
    }
}

TEST(filter_error_restores_outputs)
{
    struct strbuf sb;
    char err[128];
    json_t *b = json_pack("[s]", "keep");
    json_t *f = json_loads(q("{'I':1,'@S':['a','b'],'0':{'D':1,'FOO':2}}"), 0, NULL);
    strbuf_init(&sb, 0);
    strbuf_addstr(&sb, "WHERE ");
    CHECK_INT(filter_compile(F, NF, f, SQL_SQLITE, &sb, b, err, sizeof(err)), -E_INVAL);
    CHECK_STR(sb.buf, "WHERE ");
    CHECK_INT(json_array_size(b), 1);
    CHECK_STR(err, "filter field 'FOO' is unknown");
    /* and on success it appends */
    json_decref(f);
    f = json_loads(q("{'I':1}"), 0, NULL);
    CHECK_INT(filter_compile(F, NF, f, SQL_SQLITE, &sb, b, err, sizeof(err)), 0);
    CHECK_STR(sb.buf, "WHERE t.i = ?");
    CHECK_INT(json_array_size(b), 2);
    json_decref(f);
    json_decref(b);
    strbuf_release(&sb);
}

static json_t *nest(int levels)
{
    json_t *g = json_pack("{s:i}", "I", 1);
    for (int i = 0; i < levels; i++)
        g = json_pack("{s:o}", "0", g);
    return g;
}

TEST(filter_caps)
{
    json_t *f = nest(FILTER_MAX_DEPTH);
    CHECK_INT(run_json(f, SQL_SQLITE), 0);
    CHECK_STR(r_sql, "t.i = ?");
    json_decref(f);
    f = nest(FILTER_MAX_DEPTH + 1);
    CHECK_INT(run_json(f, SQL_SQLITE), -E_TOOBIG);
    CHECK_STR(r_err, "filter nesting is deeper than 8 levels");
    json_decref(f);

    f = json_array();
    for (int i = 0; i < FILTER_MAX_CONDITIONS; i++)
        json_array_append_new(f, json_pack("{s:i}", "I", i));
    CHECK_INT(run_json(f, SQL_SQLITE), 0);
    json_array_append_new(f, json_pack("{s:i}", "I", 1));
    CHECK_INT(run_json(f, SQL_SQLITE), -E_TOOBIG);
    CHECK_STR(r_err, "filter has more than 200 conditions");
    CHECK_STR(r_sql, "");
    json_decref(f);

    json_t *list = json_array();
    for (int i = 0; i < FILTER_MAX_BINDS; i++)
        json_array_append_new(list, json_integer(i));
    f = json_pack("{s:O}", "@I", list);
    CHECK_INT(run_json(f, SQL_SQLITE), 0);
    json_decref(f);
    json_array_append_new(list, json_integer(1));
    f = json_pack("{s:O}", "@I", list);
    CHECK_INT(run_json(f, SQL_SQLITE), -E_TOOBIG);
    CHECK_STR(r_err, "filter has more than 1000 values");
    json_decref(f);
    json_decref(list);

    char big[1100];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    f = json_pack("{s:s}", "%S", big);
    CHECK_INT(run_json(f, SQL_SQLITE), -E_TOOBIG);
    CHECK_STR(r_err, "filter value for '%S' is longer than 1024 bytes");
    json_decref(f);

    /* the caller's cap on the WHERE text */
    struct strbuf sb;
    char err[64];
    json_t *b = json_array();
    strbuf_init(&sb, 16);
    f = json_loads(q("{'I':1,'S':'x'}"), 0, NULL);
    CHECK_INT(filter_compile(F, NF, f, SQL_SQLITE, &sb, b, err, sizeof(err)), -E_TOOBIG);
    CHECK_STR(err, "filter is too long");
    CHECK_STR(sb.buf, "");
    CHECK_INT(json_array_size(b), 0);
    json_decref(f);
    json_decref(b);
    strbuf_release(&sb);
}

/* ---- the SQL text never depends on client values ------------------------------------------ */

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void random_text(char *buf, size_t size)
{
    static const char *const tok[] = {
        "x", "y", "'", "\"", "\\", "%",        "_",  "?",           ";", "--", " ",  "(",  ")",
        "=", "<", ">", "!",  "@",  "\xc3\xa9", "\t", "' OR 1=1 --", "0", "9",  "$1", "*/", "/*"};
    size_t len = 0, n = 1 + rng() % 12;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *t = tok[rng() % ARRAY_SIZE(tok)];
        if (len + strlen(t) + 1 >= size)
            break;
        memcpy(buf + len, t, strlen(t) + 1);
        len += strlen(t);
    }
}

TEST(filter_sql_text_is_independent_of_values)
{
    static const char *const ops[] = {"",   "=", "!",  "!=", ">",  ">=",  "<",   "<=", "@",
                                      "!@", "%", "=%", "%=", "!%", "!=%", "!%=", "?"};
    char key[16], val[128], val2[128];
    static char ref_sql[sizeof(r_sql)];
    for (int round = 0; round < 200; round++) {
        const char *op = ops[round % ARRAY_SIZE(ops)];
        snprintf(key, sizeof(key), "%sS", op);
        random_text(val, sizeof(val));
        /* "%" patterns take one of two shapes: plain LIKE, or kazi_fold for text with letters
         * outside ASCII; the reference value is of the same kind */
        json_t *ref = json_pack("{s:s}", key, text_is_ascii(val, strlen(val)) ? "a" : "é");
        json_t *f = json_pack("{s:s}", key, val);
        CHECK_INT(run_json(ref, SQL_SQLITE), 0);
        snprintf(ref_sql, sizeof(ref_sql), "%s", r_sql);
        CHECK_INT(run_json(f, SQL_SQLITE), 0);
        CHECK_STR(r_sql, ref_sql);
        if (strlen(val) > 3)
            CHECK(!strstr(r_sql, val));
        json_decref(ref);
        json_decref(f);

        /* lists and between */
        random_text(val2, sizeof(val2));
        snprintf(key, sizeof(key), "%s", round % 2 ? "><S" : "!@S");
        ref = json_pack("{s:[s,s]}", key, "a", "b");
        f = json_pack("{s:[s,s]}", key, val, val2);
        CHECK_INT(run_json(ref, SQL_SQLITE), 0);
        snprintf(ref_sql, sizeof(ref_sql), "%s", r_sql);
        CHECK_INT(run_json(f, SQL_SQLITE), 0);
        CHECK_STR(r_sql, ref_sql);

        /* unknown keys never reach SQL */
        random_text(val2, sizeof(val2));
        json_decref(f);
        f = json_pack("{s:s}", val2, val);
        CHECK(run_json(f, SQL_SQLITE) < 0);
        CHECK_STR(r_sql, "");
        json_decref(ref);
        json_decref(f);
    }
}

/* ---- order, select, paging ---------------------------------------------------------------- */

static int order_run(const char *order, const char *tiebreak, char *out, size_t size, char *err)
{
    struct strbuf sb;
    json_t *o = order ? json_loads(q(order), JSON_DECODE_ANY, NULL) : NULL;
    strbuf_init(&sb, 0);
    strbuf_addstr(&sb, "SELECT");
    err[0] = '\0';
    int rc = order_compile(F, NF, o, tiebreak, &sb, err, 128);
    snprintf(out, size, "%s", sb.buf);
    strbuf_release(&sb);
    json_decref(o);
    return rc;
}

TEST(order_compile_forms)
{
    char out[512], err[128];
    CHECK_INT(order_run(NULL, NULL, out, sizeof(out), err), 0);
    CHECK_STR(out, "SELECT");
    CHECK_INT(order_run(NULL, "t.id", out, sizeof(out), err), 0);
    CHECK_STR(out, "SELECT ORDER BY t.id ASC");
    CHECK_INT(order_run("[]", "t.id", out, sizeof(out), err), 0);
    CHECK_STR(out, "SELECT ORDER BY t.id ASC");
    CHECK_INT(order_run("''", NULL, out, sizeof(out), err), 0);
    CHECK_STR(out, "SELECT");
    CHECK_INT(order_run("{'S':'desc','i':'Asc'}", "t.id", out, sizeof(out), err), 0);
    CHECK_STR(out, "SELECT ORDER BY t.s DESC, t.i ASC, t.id ASC");
    CHECK_INT(order_run("{'ID':'DESC'}", "t.id", out, sizeof(out), err), 0);
    CHECK_STR(out, "SELECT ORDER BY t.id DESC");
    CHECK_INT(order_run("{'stageId':'asc','id':'asc'}", "t.id", out, sizeof(out), err), 0);
    CHECK_STR(out, "SELECT ORDER BY t.stage_id ASC, t.id ASC");
    CHECK_INT(order_run("{'DT':'DESC'}", NULL, out, sizeof(out), err), 0);
    CHECK_STR(out, "SELECT ORDER BY t.dt DESC");
}

TEST(order_compile_errors)
{
    char out[512], err[128];
    CHECK_INT(order_run("{'ID':'UP'}", "t.id", out, sizeof(out), err), -E_INVAL);
    CHECK_STR(err, "order direction for 'ID' must be ASC or DESC");
    CHECK_STR(out, "SELECT");
    CHECK_INT(order_run("{'S':'ASC','ID':1}", "t.id", out, sizeof(out), err), -E_INVAL);
    CHECK_STR(err, "order direction for 'ID' must be ASC or DESC");
    CHECK_STR(out, "SELECT");
    CHECK_INT(order_run("{'FOO':'ASC'}", NULL, out, sizeof(out), err), -E_INVAL);
    CHECK_STR(err, "order field 'FOO' is unknown");
    CHECK_INT(order_run("{'PHONE':'ASC'}", NULL, out, sizeof(out), err), -E_INVAL);
    CHECK_STR(err, "order field 'PHONE' is not sortable");
    CHECK_INT(order_run("['ID']", NULL, out, sizeof(out), err), -E_INVAL);
    CHECK_STR(err, "order must be an object of FIELD: ASC or DESC");
    CHECK_INT(order_run("'ID'", NULL, out, sizeof(out), err), -E_INVAL);
    CHECK_INT(order_run("{'ASC ':'ASC'}", NULL, out, sizeof(out), err), -E_INVAL);
    json_t *o = json_object();
    for (int i = 0; i <= ORDER_MAX_FIELDS; i++) {
        char k[16];
        snprintf(k, sizeof(k), "k%d", i); /* unknown, but the cap comes first */
        json_object_set_new(o, k, json_string("ASC"));
    }
    struct strbuf sb;
    strbuf_init(&sb, 0);
    CHECK_INT(order_compile(F, NF, o, NULL, &sb, err, sizeof(err)), -E_TOOBIG);
    CHECK_STR(err, "order has more than 20 fields");
    json_decref(o);
    strbuf_release(&sb);
}

static const char *chosen_names(const char *select, bool default_all, int *rc)
{
    static char out[512];
    unsigned char chosen[NF];
    static char err[128];
    json_t *s = select ? json_loads(q(select), JSON_DECODE_ANY, NULL) : NULL;
    memset(chosen, 7, sizeof(chosen));
    *rc = select_compile(F, NF, s, default_all, chosen, err, sizeof(err));
    json_decref(s);
    out[0] = '\0';
    if (*rc)
        return err;
    for (size_t i = 0; i < NF; i++) {
        if (chosen[i] > 1)
            return "chosen not cleared";
        if (chosen[i])
            snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", out[0] ? "," : "",
                     F[i].name);
    }
    return out;
}

TEST(select_compile_forms)
{
    int rc;
    const char *star = "ID,I,D,S,B,DT,DA,C,stageId,name,lastName,HIDDEN";
    char star_uf[256];
    snprintf(star_uf, sizeof(star_uf), "%s",
             "ID,I,D,S,B,DT,DA,C,stageId,name,lastName,UF_CRM_X,HIDDEN");
    CHECK_STR(chosen_names(NULL, true, &rc), star_uf);
    CHECK_STR(chosen_names("null", true, &rc), star_uf);
    CHECK_STR(chosen_names("[]", true, &rc), star_uf);
    CHECK_STR(chosen_names("{}", false, &rc), star);
    CHECK_STR(chosen_names("''", false, &rc), star);
    CHECK_STR(chosen_names("['*']", true, &rc), star);
    CHECK_STR(chosen_names("['*','uf_*']", false, &rc), star_uf);
    CHECK_STR(chosen_names("['UF_*']", false, &rc), "ID,UF_CRM_X");
    CHECK_STR(chosen_names("['s','TITLE_UNKNOWN','i']", false, &rc), "ID,I,S");
    CHECK_STR(chosen_names("{'0':'S','1':'PHONE'}", false, &rc), "ID,S,PHONE");
    CHECK_STR(chosen_names("['*','PHONE']", false, &rc),
              "ID,I,D,S,B,DT,DA,C,PHONE,stageId,name,lastName,HIDDEN");
    CHECK_STR(chosen_names("'S'", false, &rc), "ID,S");
    CHECK_STR(chosen_names("['NOSEL','FOO','']", false, &rc), "ID");
    CHECK_INT(rc, 0);
    CHECK_STR(chosen_names("[5]", false, &rc), "select item 0 is not a field name");
    CHECK_INT(rc, -E_INVAL);
    CHECK_STR(chosen_names("5", false, &rc), "select must be a list of field names");
    CHECK_INT(rc, -E_INVAL);
    json_t *s = json_array();
    for (int i = 0; i <= SELECT_MAX_ITEMS; i++)
        json_array_append_new(s, json_string("ID"));
    unsigned char chosen[NF];
    char err[64];
    CHECK_INT(select_compile(F, NF, s, false, chosen, err, sizeof(err)), -E_TOOBIG);
    json_decref(s);
}

static int paging(const char *start, int64_t *off, bool *count)
{
    json_t *s = start ? json_loads(q(start), JSON_DECODE_ANY, NULL) : NULL;
    *off = 12345;
    int rc = paging_parse(s, off, count);
    json_decref(s);
    return rc;
}

TEST(paging_parse_values)
{
    int64_t off;
    bool count;
    CHECK_INT(paging(NULL, &off, &count), 0);
    CHECK(off == 0 && count);
    CHECK_INT(paging("null", &off, &count), 0);
    CHECK(off == 0 && count);
    CHECK_INT(paging("''", &off, &count), 0);
    CHECK(off == 0 && count);
    CHECK_INT(paging("50", &off, &count), 0);
    CHECK(off == 50 && count);
    CHECK_INT(paging("'100'", &off, &count), 0);
    CHECK(off == 100 && count);
    CHECK_INT(paging("50.0", &off, &count), 0);
    CHECK(off == 50 && count);
    CHECK_INT(paging("-1", &off, &count), 0);
    CHECK(off == 0 && !count);
    CHECK_INT(paging("'-1'", &off, &count), 0);
    CHECK(off == 0 && !count);
    CHECK_INT(paging("-2", &off, &count), -E_INVAL);
    CHECK_INT(paging("'-50'", &off, &count), -E_INVAL);
    CHECK_INT(paging("'abc'", &off, &count), -E_INVAL);
    CHECK_INT(paging("'1.5'", &off, &count), -E_INVAL);
    CHECK_INT(paging("1.5", &off, &count), -E_INVAL);
    CHECK_INT(paging("true", &off, &count), -E_INVAL);
    CHECK_INT(paging("[50]", &off, &count), -E_INVAL);
    CHECK_INT(paging("'99999999999999999999'", &off, &count), -E_INVAL);
    CHECK_INT(paging("9007199254740993", &off, &count), -E_INVAL);
    CHECK_INT(REST_PAGE_SIZE, 50);
}

/* ---- the compiled SQL on a real SQLite database --------------------------------------------- */

static sqlite3 *test_db(void)
{
    static sqlite3 *db;
    char path[512];
    if (db)
        return db;
    snprintf(path, sizeof(path), "%s/filter.db", t_tmpdir());
    if (sqlite3_open(path, &db) != SQLITE_OK || sqlfunc_register(db) != SQLITE_OK)
        return NULL;
    const char *sql =
        "CREATE TABLE items (id INTEGER PRIMARY KEY, i INTEGER, d REAL, s TEXT, b INTEGER,"
        " dt INTEGER, da TEXT, c TEXT, stage_id TEXT, name TEXT, last_name TEXT, uf_x TEXT,"
        " hidden TEXT, nosel INTEGER);"
        "CREATE TABLE fm (owner_id INTEGER, type TEXT, value TEXT);"
        "INSERT INTO items VALUES"
        " (1, 10, 1.5, 'alpha', 1, 1704067200, '2024-01-01', 'Y', 'NEW', 'Ann', 'Lee', NULL,"
        "  NULL, NULL),"
        " (2, 20, 2.5, '50% off', 0, 1706745600, '2024-02-01', 'N', 'WON', '', NULL, NULL,"
        "  NULL, NULL),"
        " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
        " (4, 30, 100, 'under_score', 1, 1709251200, '2024-03-01', 'Y', 'LOSE', NULL, 'Kim',"
        "  NULL, NULL, NULL),"
        " (5, 40, -5, 'back\\slash', 0, 1711929600, '2024-04-01', 'N', 'NEW', 'Bob', '', NULL,"
        "  NULL, NULL),"
        " (6, 50, 0, '', 1, 1714521600, NULL, '', 'WON', 'Zed', NULL, NULL, NULL, NULL);"
        "INSERT INTO fm VALUES (1, 'PHONE', '+111'), (4, 'PHONE', '+444'), (4, 'EMAIL', 'a@b');";
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        db = NULL;
    }
    return db;
}

static int bind_all(sqlite3_stmt *st, const json_t *binds)
{
    size_t i;
    json_t *v;
    int rc = 0;
    json_array_foreach(binds, i, v)
    {
        int idx = (int)i + 1;
        if (json_is_integer(v))
            rc = sqlite3_bind_int64(st, idx, json_integer_value(v));
        else if (json_is_real(v))
            rc = sqlite3_bind_double(st, idx, json_real_value(v));
        else if (json_is_string(v))
            rc = sqlite3_bind_text(st, idx, json_string_value(v), (int)json_string_length(v),
                                   SQLITE_TRANSIENT);
        else
            rc = sqlite3_bind_null(st, idx);
        if (rc != SQLITE_OK)
            return rc;
    }
    return 0;
}

/* Runs SELECT t.id over the test table with filter and order; writes "1,2,3" or an error. */
static const char *query_ids(const char *filter, const char *order)
{
    static char out[512];
    struct strbuf sb;
    sqlite3_stmt *st = NULL;
    json_t *f = json_loads(q(filter), JSON_DECODE_ANY, NULL);
    json_t *o = order ? json_loads(q(order), 0, NULL) : NULL;
    json_t *b = json_array();
    char err[128];
    sqlite3 *db = test_db();
    strbuf_init(&sb, 0);
    strbuf_addstr(&sb, "SELECT t.id FROM items t WHERE ");
    snprintf(out, sizeof(out), "error");
    if (!db || !f || filter_compile(F, NF, f, SQL_SQLITE, &sb, b, err, sizeof(err)) ||
        order_compile(F, NF, o, "t.id", &sb, err, sizeof(err)))
        goto out;
    if (sqlite3_prepare_v2(db, sb.buf, -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, sizeof(out), "prepare: %s", sqlite3_errmsg(db));
        goto out;
    }
    if (sqlite3_bind_parameter_count(st) != (int)json_array_size(b) || bind_all(st, b))
        goto out;
    out[0] = '\0';
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%lld", out[0] ? "," : "",
                 (long long)sqlite3_column_int64(st, 0));
    if (rc != SQLITE_DONE)
        snprintf(out, sizeof(out), "step: %s", sqlite3_errmsg(db));
out:
    sqlite3_finalize(st);
    strbuf_release(&sb);
    json_decref(f);
    json_decref(o);
    json_decref(b);
    return out;
}

TEST(filter_on_sqlite)
{
    CHECK(test_db() != NULL);
    CHECK_STR(query_ids("{}", NULL), "1,2,3,4,5,6");
    CHECK_STR(query_ids("{'%S':'%'}", NULL), "2");
    CHECK_STR(query_ids("{'%S':'_'}", NULL), "4");
    CHECK_STR(query_ids("{'%S':'\\\\'}", NULL), "5");
    CHECK_STR(query_ids("{'?S':'ALP'}", NULL), "1");
    CHECK_STR(query_ids("{'=%S':'a%'}", NULL), "1");
    CHECK_STR(query_ids("{'%=S':'_lpha'}", NULL), "1");
    CHECK_STR(query_ids("{'=%S':'%\\\\%'}", NULL), "5");
    CHECK_STR(query_ids("{'!%S':'a'}", NULL), "2,3,4,6");
    CHECK_STR(query_ids("{'!=%S':'%o%'}", NULL), "1,3,5,6");
    CHECK_STR(query_ids("{'%S':['pha','sla']}", NULL), "1,5");
    CHECK_STR(query_ids("{'S':''}", NULL), "3,6");
    CHECK_STR(query_ids("{'!S':''}", NULL), "1,2,4,5");
    CHECK_STR(query_ids("{'S':null}", NULL), "3");
    CHECK_STR(query_ids("{'!S':null}", NULL), "1,2,4,5,6");
    CHECK_STR(query_ids("{'!S':'alpha'}", NULL), "2,3,4,5,6");
    CHECK_STR(query_ids("{'S':'50% off'}", NULL), "2");
    CHECK_STR(query_ids("{'@stageId':['NEW','WON']}", NULL), "1,2,5,6");
    CHECK_STR(query_ids("{'stageId':['NEW','WON']}", NULL), "1,2,5,6");
    CHECK_STR(query_ids("{'!@stageId':['NEW','WON']}", NULL), "3,4");
    CHECK_STR(query_ids("{'@stageId':[]}", NULL), "");
    CHECK_STR(query_ids("{'!@stageId':[]}", NULL), "1,2,3,4,5,6");
    CHECK_STR(query_ids("{'><I':[20,40]}", NULL), "2,4,5");
    CHECK_STR(query_ids("{'!><I':['20','40']}", NULL), "1,3,6");
    CHECK_STR(query_ids("{'>I':'20','<=I':40}", NULL), "4,5");
    CHECK_STR(query_ids("{'I':''}", NULL), "3");
    CHECK_STR(query_ids("{'>D':'1.5'}", NULL), "2,4");
    CHECK_STR(query_ids("{'<D':0}", NULL), "5");
    CHECK_STR(query_ids("{'>=DT':'2024-02-01T00:00:00Z','<DT':'2024-04-01T00:00:00+00:00'}", NULL),
              "2,4");
    CHECK_STR(query_ids("{'DT':'2024-02-01T02:00:00+02:00'}", NULL), "2");
    CHECK_STR(query_ids("{'><DA':['2024-02-01','2024-03-15']}", NULL), "2,4");
    CHECK_STR(query_ids("{'<DA':'01.03.2024'}", NULL), "1,2");
    CHECK_STR(query_ids("{'>=DA':'2024-03-01T23:00:00-05:00'}", NULL), "4,5");
    CHECK_STR(query_ids("{'DA':''}", NULL), "3,6");
    CHECK_STR(query_ids("{'B':'Y'}", NULL), "1,4,6");
    CHECK_STR(query_ids("{'!B':'Y'}", NULL), "2,3,5");
    CHECK_STR(query_ids("{'B':false}", NULL), "2,5");
    CHECK_STR(query_ids("{'C':'true'}", NULL), "1,4");
    CHECK_STR(query_ids("{'C':''}", NULL), "3,6");
    CHECK_STR(query_ids("{'!@C':['N']}", NULL), "1,3,4,6");
    CHECK_STR(query_ids("{'PHONE':'+444'}", NULL), "4");
    CHECK_STR(query_ids("{'@PHONE':['+111','+444']}", NULL), "1,4");
    CHECK_STR(query_ids("{'PHONE':'a@b'}", NULL), "");
    CHECK_STR(query_ids("{'logic':'OR','I':10,'stageId':'LOSE'}", NULL), "1,4");
    CHECK_STR(query_ids("{'0':{'logic':'OR','0':{'!=name':''},'1':{'!=lastName':''}},"
                        "'@stageId':['NEW','WON'],'>=D':-10}",
                        NULL),
              "1,5,6");
    CHECK_STR(query_ids("{}", "{'I':'DESC'}"), "6,5,4,2,1,3");
    CHECK_STR(query_ids("{}", "{'stageId':'asc'}"), "3,4,1,5,2,6");
    CHECK_STR(query_ids("{'>ID':2}", "{'ID':'ASC'}"), "3,4,5,6");
}
