/* Tests for the parameter decoder: PHP bracket semantics, percent-decoding, JSON bodies,
 * merging, case-insensitive lookup, coercion and limits. Examples come from the Bitrix24 REST
 * notes and from what real clients send. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/error.h"
#include "core/json/params.h"
#include "t.h"

static char out[1 << 16];
static char err[256];

/* Compact JSON of o into out (insertion order), or "(dump failed)". */
static const char *dump(const json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    snprintf(out, sizeof(out), "%s", s ? s : "(dump failed)");
    free(s);
    return out;
}

static const char *result(json_t *o, int rc)
{
    if (rc)
        snprintf(out, sizeof(out), "error %s: %s", error_str(rc), err);
    else
        dump(o);
    json_decref(o);
    return out;
}

/* The finished tree of a query string (or "error <name>: <message>"). */
static const char *qlim(const char *qs, const struct params_limits *lim)
{
    json_t *o = json_object();
    int rc;
    err[0] = 0;
    rc = params_parse_query(o, qs, strlen(qs), lim, err, sizeof(err));
    if (!rc)
        params_finish(o);
    return result(o, rc);
}

static const char *q(const char *qs)
{
    return qlim(qs, NULL);
}

/* The finished tree of a JSON body. */
static const char *jlim(const char *body, const struct params_limits *lim)
{
    json_t *o = json_object();
    int rc;
    err[0] = 0;
    rc = params_parse_json(o, body, strlen(body), lim, err, sizeof(err));
    if (!rc)
        params_finish(o);
    return result(o, rc);
}

static const char *j(const char *body)
{
    return jlim(body, NULL);
}

/* --- the examples of the protocol notes ------------------------------------------------------ */

TEST(params_spec_form_example)
{
    CHECK_STR(q("fields[TITLE]=My%20company&fields[PHONE][0][VALUE]=112233"
                "&fields[PHONE][0][VALUE_TYPE]=WORK"),
              "{\"fields\":{\"TITLE\":\"My company\",\"PHONE\":[{\"VALUE\":\"112233\","
              "\"VALUE_TYPE\":\"WORK\"}]}}");
}

TEST(params_spec_filter_prefixes)
{
    CHECK_STR(q("filter[>OPPORTUNITY]=5"), "{\"filter\":{\">OPPORTUNITY\":\"5\"}}");
    CHECK_STR(q("filter[>=OPPORTUNITY]=5"), "{\"filter\":{\">=OPPORTUNITY\":\"5\"}}");
    CHECK_STR(q("filter[@STAGE_ID][]=NEW&filter[@STAGE_ID][]=WON"),
              "{\"filter\":{\"@STAGE_ID\":[\"NEW\",\"WON\"]}}");
    CHECK_STR(q("filter[!@ID][]=1&filter[<=DATE]=2024-01-01&filter[!=%25NAME]=mol%25"
                "&filter[><SUM][]=1&filter[><SUM][]=9&filter[?TITLE]=x&filter[!ID]=3"),
              "{\"filter\":{\"!@ID\":[\"1\"],\"<=DATE\":\"2024-01-01\",\"!=%NAME\":\"mol%\","
              "\"><SUM\":[\"1\",\"9\"],\"?TITLE\":\"x\",\"!ID\":\"3\"}}");
    /* a raw '%' that is not an escape stays, as PHP keeps it */
    CHECK_STR(q("filter[%TITLE]=x&filter[%=NAME]=y"),
              "{\"filter\":{\"%TITLE\":\"x\",\"%=NAME\":\"y\"}}");
}

TEST(params_spec_select_lists)
{
    CHECK_STR(q("select[]=ID&select[]=TITLE"), "{\"select\":[\"ID\",\"TITLE\"]}");
    CHECK_STR(q("select[0]=ID&select[1]=TITLE"), "{\"select\":[\"ID\",\"TITLE\"]}");
    CHECK_STR(q("FILTER[ACTIVE]=true&select[]=ID&select[]=NAME"),
              "{\"FILTER\":{\"ACTIVE\":\"true\"},\"select\":[\"ID\",\"NAME\"]}");
}

TEST(params_spec_positional)
{
    CHECK_STR(q("0=123&1[POST_MESSAGE]=text"), "{\"0\":\"123\",\"1\":{\"POST_MESSAGE\":\"text\"}}");
    CHECK_STR(j("[123, {\"POST_MESSAGE\":\"text\"}]"),
              "{\"0\":123,\"1\":{\"POST_MESSAGE\":\"text\"}}");
}

TEST(params_spec_json_example)
{
    const char *body = "{\"fields\":{\"TITLE\":\"x\",\"PHONE\":[{\"VALUE\":\"1\","
                       "\"VALUE_TYPE\":\"WORK\"}]},\"auth\":\"...\"}";
    CHECK_STR(j(body), body);
    CHECK_STR(j("{\"fields\":{\"OPPORTUNITY\":100},\"start\":-1,\"halt\":1}"),
              "{\"fields\":{\"OPPORTUNITY\":100},\"start\":-1,\"halt\":1}");
}

TEST(params_spec_item_list_filter)
{
    /* mixed keys stay objects; only exactly 0..n-1 becomes an array */
    const char *body = "{\"filter\":{\"0\":{\"logic\":\"OR\",\"0\":{\"!=name\":\"\"},"
                       "\"1\":{\"!=lastName\":\"\"}},\"@stageId\":[\"NEW\",\"IN_PROCESS\"],"
                       "\">=opportunity\":5000}}";
    CHECK_STR(j(body), body);
    CHECK_STR(j("{\"cmd\":{\"0\":\"user.current\",\"1\":\"crm.deal.list\"}}"),
              "{\"cmd\":[\"user.current\",\"crm.deal.list\"]}");
}

TEST(params_spec_cursor_paging)
{
    json_t *o = json_object(), *f;
    int64_t start = 0, last = 0;
    const char *body = "{\"order\":{\"ID\":\"ASC\"},\"filter\":{\">ID\":500},\"start\":-1}";
    CHECK_INT(params_parse_json(o, body, strlen(body), NULL, err, sizeof(err)), 0);
    params_finish(o);
    f = params_get(o, "FILTER");
    CHECK(f != NULL);
    CHECK_INT(params_to_int64(json_object_get(f, ">ID"), &last), 0);
    CHECK_INT(last, 500);
    CHECK_INT(params_to_int64(params_get(o, "start"), &start), 0);
    CHECK_INT(start, -1);
    json_decref(o);
}

TEST(params_spec_event_delivery)
{
    CHECK_STR(q("event=ONCRMDEALADD&event_handler_id=185&data[FIELDS][ID]=7405&ts=1766047124"
                "&auth[access_token]=abc&auth[expires_in]=3600&auth[scope]=crm"
                "&auth[domain]=portal.example.com"
                "&auth[client_endpoint]=https%3A%2F%2Fportal.example.com%2Frest%2F"),
              "{\"event\":\"ONCRMDEALADD\",\"event_handler_id\":\"185\",\"data\":{\"FIELDS\":"
              "{\"ID\":\"7405\"}},\"ts\":\"1766047124\",\"auth\":{\"access_token\":\"abc\","
              "\"expires_in\":\"3600\",\"scope\":\"crm\",\"domain\":\"portal.example.com\","
              "\"client_endpoint\":\"https://portal.example.com/rest/\"}}");
}

/* --- batch --------------------------------------------------------------------------------- */

/* Decodes the query part of a batch command the way the REST layer will. */
static const char *batch_cmd(const char *cmd)
{
    const char *qm = strchr(cmd, '?');
    json_t *o = json_object();
    int rc = 0;
    err[0] = 0;
    if (qm)
        rc = params_parse_query(o, qm + 1, strlen(qm + 1), NULL, err, sizeof(err));
    if (!rc)
        params_finish(o);
    return result(o, rc);
}

TEST(params_batch_form)
{
    json_t *o = json_object(), *cmd;
    const char *qs = "cmd[get_user]=user.current&cmd[d]=crm.deal.get%3Fid%3D5&halt=0";
    char sub[256];
    CHECK_INT(params_parse_query(o, qs, strlen(qs), NULL, err, sizeof(err)), 0);
    params_finish(o);
    cmd = params_get(o, "cmd");
    CHECK_STR(json_string_value(json_object_get(cmd, "get_user")), "user.current");
    snprintf(sub, sizeof(sub), "%s", json_string_value(json_object_get(cmd, "d")));
    json_decref(o);
    CHECK_STR(sub, "crm.deal.get?id=5");
    CHECK_STR(batch_cmd(sub), "{\"id\":\"5\"}");
}

TEST(params_batch_double_encoded)
{
    /* the nested query was encoded once more for the outer URL: %26 -> %2526 */
    json_t *o = json_object();
    const char *qs = "cmd[a]=crm.deal.list%3Ffilter%5BTITLE%5D%3DA%2526B%26select%5B%5D%3DID"
                     "%26filter%5B%3E%3DOPPORTUNITY%5D%3D5";
    char sub[256];
    CHECK_INT(params_parse_query(o, qs, strlen(qs), NULL, err, sizeof(err)), 0);
    params_finish(o);
    snprintf(sub, sizeof(sub), "%s", json_string_value(json_object_get(params_get(o, "CMD"), "a")));
    json_decref(o);
    CHECK_STR(sub, "crm.deal.list?filter[TITLE]=A%26B&select[]=ID&filter[>=OPPORTUNITY]=5");
    CHECK_STR(batch_cmd(sub),
              "{\"filter\":{\"TITLE\":\"A&B\",\">=OPPORTUNITY\":\"5\"},\"select\":[\"ID\"]}");
}

TEST(params_batch_json_and_list)
{
    CHECK_STR(j("{\"halt\":0,\"cmd\":{\"a\":\"crm.deal.list?filter[STAGE_ID]=NEW&select[]=ID\"}}"),
              "{\"halt\":0,\"cmd\":{\"a\":\"crm.deal.list?filter[STAGE_ID]=NEW&select[]=ID\"}}");
    CHECK_STR(batch_cmd("crm.deal.list?filter[STAGE_ID]=NEW&select[]=ID"),
              "{\"filter\":{\"STAGE_ID\":\"NEW\"},\"select\":[\"ID\"]}");
    CHECK_STR(q("cmd[]=user.current&cmd[]=crm.deal.list"),
              "{\"cmd\":[\"user.current\",\"crm.deal.list\"]}");
    CHECK_STR(batch_cmd("crm.deal.productrows.set?id=$result[a]&rows[0][PRODUCT_ID]=7"),
              "{\"id\":\"$result[a]\",\"rows\":[{\"PRODUCT_ID\":\"7\"}]}");
}

/* --- bracket semantics --------------------------------------------------------------------- */

TEST(params_nested_maps)
{
    CHECK_STR(q("a[b][c][d]=1&a[b][e]=2&a[f]=3"),
              "{\"a\":{\"b\":{\"c\":{\"d\":\"1\"},\"e\":\"2\"},\"f\":\"3\"}}");
    CHECK_STR(q("a[0][0]=x&a[0][1]=y&a[1][0]=z"), "{\"a\":[[\"x\",\"y\"],[\"z\"]]}");
    CHECK_STR(q("fields[PHONE][][VALUE]=1&fields[PHONE][][VALUE]=2"),
              "{\"fields\":{\"PHONE\":[{\"VALUE\":\"1\"},{\"VALUE\":\"2\"}]}}");
}

TEST(params_numeric_keys)
{
    CHECK_STR(q("a[0]=x&a[k]=y"), "{\"a\":{\"0\":\"x\",\"k\":\"y\"}}");
    CHECK_STR(q("a[1]=x&a[0]=y"), "{\"a\":{\"1\":\"x\",\"0\":\"y\"}}");
    CHECK_STR(q("a[1]=x"), "{\"a\":{\"1\":\"x\"}}");
    CHECK_STR(q("a[00]=x&a[01]=y"), "{\"a\":{\"00\":\"x\",\"01\":\"y\"}}");
    CHECK_STR(q("a[0]=x&a[]=y"), "{\"a\":[\"x\",\"y\"]}");
    CHECK_STR(q("a[5]=x&a[]=y"), "{\"a\":{\"5\":\"x\",\"6\":\"y\"}}");
    CHECK_STR(q("a[x]=1&a[]=2&a[]=3"), "{\"a\":{\"x\":\"1\",\"0\":\"2\",\"1\":\"3\"}}");
    CHECK_STR(q("a[-1]=x&a[]=y"), "{\"a\":{\"-1\":\"x\",\"0\":\"y\"}}");
    CHECK_STR(q("a[]=x&a[7]=y&a[]=z"), "{\"a\":{\"0\":\"x\",\"7\":\"y\",\"8\":\"z\"}}");
    CHECK_STR(q("a[]=x&a[0]=y"), "{\"a\":[\"y\"]}");
}

TEST(params_later_value_replaces)
{
    CHECK_STR(q("a=1&a=2"), "{\"a\":\"2\"}");
    CHECK_STR(q("a=1&a[b]=2"), "{\"a\":{\"b\":\"2\"}}");
    CHECK_STR(q("a[b]=2&a=1"), "{\"a\":\"1\"}");
    CHECK_STR(q("a[b][c]=1&a[b]=2"), "{\"a\":{\"b\":\"2\"}}");
    CHECK_STR(q("a[b]=1&a[b][c]=2"), "{\"a\":{\"b\":{\"c\":\"2\"}}}");
    /* the replaced object's append position must not survive it */
    CHECK_STR(q("a[]=1&a[]=2&a=2&a[]=3"), "{\"a\":[\"3\"]}");
    CHECK_STR(q("x[]=1&y[]=1&x[]=2&x=0&z[]=1&z[]=2&x[]=3&y[]=2"),
              "{\"x\":[\"3\"],\"y\":[\"1\",\"2\"],\"z\":[\"1\",\"2\"]}");
}

TEST(params_malformed_names_follow_php)
{
    CHECK_STR(q("a[b=1"), "{\"a_b\":\"1\"}");
    CHECK_STR(q("fields[PHONE=1"), "{\"fields_PHONE\":\"1\"}");
    CHECK_STR(q("a[b.c d[e=1"), "{\"a_b_c_d_e\":\"1\"}");
    CHECK_STR(q("a[=1"), "{\"a_\":\"1\"}");
    CHECK_STR(q("a]=1"), "{\"a]\":\"1\"}");
    CHECK_STR(q("a[x][y=1"), "{\"a\":{\"x\":\"1\"}}");
    CHECK_STR(q("a[][y=1"), "{\"a\":[\"1\"]}");
    CHECK_STR(q("a[b]c=1"), "{\"a\":{\"b\":\"1\"}}");
    CHECK_STR(q("a[b][c]d[e]=1"), "{\"a\":{\"b\":{\"c\":\"1\"}}}");
    CHECK_STR(q("a[b[c]]=1"), "{\"a\":{\"b[c\":\"1\"}}");
    CHECK_STR(q("a.b=1&c+d=2& e=3"), "{\"a_b\":\"1\",\"c_d\":\"2\",\"e\":\"3\"}");
    CHECK_STR(q("a[b.c]=1"), "{\"a\":{\"b.c\":\"1\"}}");
    CHECK_STR(q("a[ ]=1&a[ ]=2"), "{\"a\":[\"1\",\"2\"]}");
    CHECK_STR(q("a[ b]=1"), "{\"a\":{\" b\":\"1\"}}");
    CHECK_STR(q("[a]=1&[]=2&%20=3"), "{}");
    CHECK_STR(q("a[]"), "{\"a\":[\"\"]}");
    CHECK_STR(q("["), "{}");
    CHECK_STR(q("a["), "{\"a_\":\"\"}");
}

TEST(params_equals_inside_brackets)
{
    CHECK_STR(q("filter[<=DATE]=2024-01-01&filter[=%NAME]=mol%25&filter[!=ID]=1"),
              "{\"filter\":{\"<=DATE\":\"2024-01-01\",\"=%NAME\":\"mol%\",\"!=ID\":\"1\"}}");
    CHECK_STR(q("a[x=1]"), "{\"a\":{\"x=1\":\"\"}}");
    CHECK_STR(q("a=[x=1]"), "{\"a\":\"[x=1]\"}");
    CHECK_STR(q("a[b]=c[d=e]"), "{\"a\":{\"b\":\"c[d=e]\"}}");
    CHECK_STR(q("a[b=1=2"), "{\"a_b\":\"1=2\"}");
}

TEST(params_empty_pieces)
{
    CHECK_STR(q(""), "{}");
    CHECK_STR(q("&"), "{}");
    CHECK_STR(q("&&a=1&&b=2&&"), "{\"a\":\"1\",\"b\":\"2\"}");
    CHECK_STR(q("=1"), "{}");
    CHECK_STR(q("=&a"), "{\"a\":\"\"}");
    CHECK_STR(q("a"), "{\"a\":\"\"}");
    CHECK_STR(q("a="), "{\"a\":\"\"}");
    CHECK_STR(q("a==b"), "{\"a\":\"=b\"}");
    CHECK_STR(q("a=b=c"), "{\"a\":\"b=c\"}");
    CHECK_INT(params_parse_query(json_object_get(NULL, "x"), "a=1", 3, NULL, err, sizeof(err)),
              -E_INVAL);
}

/* --- percent-decoding ---------------------------------------------------------------------- */

TEST(params_percent_and_plus)
{
    CHECK_STR(q("a=x+y%20z%2B"), "{\"a\":\"x y z+\"}");
    CHECK_STR(q("a=%41%62%7e"), "{\"a\":\"Ab~\"}");
    CHECK_STR(q("a=%zz%4&b=%&c=%%41&d=100%"), "{\"a\":\"%zz%4\",\"b\":\"%\",\"c\":\"%A\","
                                              "\"d\":\"100%\"}");
    CHECK_STR(q("%61=1&a%5Bb%5D%5B%5D=2"), "{\"a\":{\"b\":[\"2\"]}}");
    CHECK_STR(q("x%5Bb%5D%5B%5D=2"), "{\"x\":{\"b\":[\"2\"]}}");
    CHECK_STR(q("name=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82"), "{\"name\":\"Привет\"}");
    CHECK_STR(q("a%26b=c%3Dd"), "{\"a&b\":\"c=d\"}");
}

TEST(params_nul_bytes)
{
    json_t *o = json_object(), *v;
    CHECK_INT(params_parse_query(o, "a=x%00y&b%00c=1", 15, NULL, err, sizeof(err)), 0);
    v = json_object_get(o, "a");
    CHECK_INT(json_string_length(v), 3);
    CHECK(memcmp(json_string_value(v), "x\0y", 3) == 0);
    CHECK_STR(json_string_value(json_object_get(o, "b")), "1"); /* a name ends at NUL */
    CHECK_INT(json_object_size(o), 2);
    json_decref(o);
}

TEST(params_invalid_utf8)
{
    CHECK_STR(q("a=%FF"), "error invalid argument: invalid utf-8 in parameter 'a'");
    CHECK_STR(q("a%FF=1"), "error invalid argument: invalid utf-8 in parameter name 'a?'");
    CHECK_STR(q("a=%C3%A9"), "{\"a\":\"é\"}");
}

TEST(params_url_decode_direct)
{
    char s[32];
    size_t n;
    snprintf(s, sizeof(s), "a+b%%20c");
    n = params_url_decode(s, strlen(s), 1);
    CHECK_INT(n, 5);
    CHECK_STR(s, "a b c");
    snprintf(s, sizeof(s), "a+b%%20c");
    n = params_url_decode(s, strlen(s), 0);
    CHECK_INT(n, 5);
    CHECK_STR(s, "a+b c");
    snprintf(s, sizeof(s), "%%4");
    CHECK_INT(params_url_decode(s, 2, 1), 2);
    CHECK_STR(s, "%4");
    snprintf(s, sizeof(s), "%%2525");
    n = params_url_decode(s, strlen(s), 1);
    CHECK_STR(s, "%25");
    n = params_url_decode(s, n, 1);
    CHECK_INT(n, 1);
    CHECK_STR(s, "%");
    CHECK_INT(params_url_decode(s, 0, 1), 0);
}

TEST(params_very_long_value)
{
    size_t n = 1 << 20;
    char *qs = malloc(n + 3);
    json_t *o = json_object();
    memcpy(qs, "v=", 2);
    memset(qs + 2, 'x', n);
    qs[n + 2] = 0;
    CHECK_INT(params_parse_query(o, qs, n + 2, NULL, err, sizeof(err)), 0);
    free(qs);
    CHECK_INT(json_string_length(json_object_get(o, "v")), n);
    json_decref(o);
}

/* --- JSON bodies --------------------------------------------------------------------------- */

TEST(params_json_bodies)
{
    CHECK_STR(j(""), "{}");
    CHECK_STR(j(" \r\n\t"), "{}");
    CHECK_STR(j("{}"), "{}");
    CHECK_STR(j("[]"), "{}");
    CHECK_STR(j("[\"a\",[1,2],{\"x\":null}]"), "{\"0\":\"a\",\"1\":[1,2],\"2\":{\"x\":null}}");
    CHECK_STR(j("{\"a\":\"x\\u0000y\"}"), "{\"a\":\"x\\u0000y\"}");
    CHECK_STR(j("{\"a\":1,\"a\":2}"), "{\"a\":2}");
    CHECK_STR(j("{\"e\":{},\"l\":[]}"), "{\"e\":{},\"l\":[]}");
}

TEST(params_json_invalid)
{
    CHECK(strncmp(j("{\"a\":"), "error invalid argument: invalid json body: ", 43) == 0);
    CHECK(strstr(out, "line 1") != NULL);
    CHECK(strncmp(j("5"), "error invalid argument: invalid json body", 41) == 0);
    CHECK(strncmp(j("\"abc\""), "error invalid argument", 22) == 0);
    CHECK(strncmp(j("{\"a\":1} x"), "error invalid argument", 22) == 0);
    CHECK(strncmp(j("{\"a\":\"\xff\"}"), "error invalid argument", 22) == 0);
    CHECK(strstr(out, "\xff") == NULL); /* messages stay valid utf-8 */
    CHECK(strncmp(j("{a:1}"), "error invalid argument", 22) == 0);
}

TEST(params_json_into_existing)
{
    json_t *o = json_object();
    const char *body = "{\"b\":2,\"c\":{\"d\":1}}";
    json_object_set_new(o, "a", json_string("1"));
    json_object_set_new(o, "b", json_string("1"));
    CHECK_INT(params_parse_json(o, body, strlen(body), NULL, err, sizeof(err)), 0);
    CHECK_STR(dump(o), "{\"a\":\"1\",\"b\":2,\"c\":{\"d\":1}}");
    json_decref(o);
}

/* --- multipart parts ----------------------------------------------------------------------- */

TEST(params_insert_parts)
{
    json_t *o = json_object();
    static const char bin[] = {'a', 0, 'b'};
    CHECK_INT(params_insert(o, "fields[TITLE]", 13, "Deal", 4, NULL, err, sizeof(err)), 0);
    CHECK_INT(params_insert(o, "fields[PHONE][0][VALUE]", 23, "1", 1, NULL, err, sizeof(err)), 0);
    CHECK_INT(params_insert(o, "select[]", 8, "ID", 2, NULL, err, sizeof(err)), 0);
    CHECK_INT(params_insert(o, "select[]", 8, "TITLE", 5, NULL, err, sizeof(err)), 0);
    CHECK_INT(params_insert(o, "raw", 3, bin, 3, NULL, err, sizeof(err)), 0);
    CHECK_INT(params_insert(o, "bad", 3, "\xff\xfe", 2, NULL, err, sizeof(err)), -E_INVAL);
    CHECK_STR(err, "invalid utf-8 in parameter 'bad'");
    params_finish(o);
    CHECK_STR(dump(o), "{\"fields\":{\"TITLE\":\"Deal\",\"PHONE\":[{\"VALUE\":\"1\"}]},"
                       "\"select\":[\"ID\",\"TITLE\"],\"raw\":\"a\\u0000b\"}");
    json_decref(o);
}

TEST(params_insert_file_parts)
{
    json_t *o = json_object();
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0xff, 0};
    CHECK_INT(params_insert_file(o, "fileContent", 11, "a.txt", "hello", 5, NULL, err, sizeof(err)),
              0);
    CHECK_INT(params_insert_file(o, "fields[UF_CRM_FILE][fileData]", 29, "p.png", png, sizeof(png),
                                 NULL, err, sizeof(err)),
              0);
    CHECK_INT(params_insert_file(o, "empty", 5, "e", NULL, 0, NULL, err, sizeof(err)), 0);
    CHECK_INT(params_insert_file(o, "x", 1, "\xff.txt", "a", 1, NULL, err, sizeof(err)), -E_INVAL);
    params_finish(o);
    CHECK_STR(dump(o), "{\"fileContent\":[\"a.txt\",\"aGVsbG8=\"],\"fields\":{\"UF_CRM_FILE\":"
                       "{\"fileData\":[\"p.png\",\"iVBOR/8A\"]}},\"empty\":[\"e\",\"\"]}");
    json_decref(o);
}

TEST(params_insert_into_finished_tree)
{
    json_t *o = json_object();
    const char *body = "{\"select\":[\"A\",\"B\"],\"fields\":{\"PHONE\":[{\"VALUE\":\"1\"}]}}";
    CHECK_INT(params_parse_json(o, body, strlen(body), NULL, err, sizeof(err)), 0);
    const char *qs = "select[]=C&fields[PHONE][1][VALUE]=2&fields[PHONE][0][X]=y";
    CHECK_INT(params_parse_query(o, qs, strlen(qs), NULL, err, sizeof(err)), 0);
    params_finish(o);
    CHECK_STR(dump(o), "{\"select\":[\"A\",\"B\",\"C\"],\"fields\":{\"PHONE\":[{\"VALUE\":\"1\","
                       "\"X\":\"y\"},{\"VALUE\":\"2\"}]}}");
    json_decref(o);
}

/* --- finish, merge, get -------------------------------------------------------------------- */

TEST(params_finish_keeps_root_and_is_idempotent)
{
    json_t *o = json_object();
    CHECK_INT(params_parse_query(o, "0=a&1=b&2[0]=c", 14, NULL, err, sizeof(err)), 0);
    params_finish(o);
    params_finish(o);
    CHECK_STR(dump(o), "{\"0\":\"a\",\"1\":\"b\",\"2\":[\"c\"]}");
    json_decref(o);
    params_finish(NULL);
}

TEST(params_merge_query_and_body)
{
    json_t *qo = json_object(), *bo = json_object();
    const char *qs = "auth=Q&bx24_request_id=7f3c&bx24_sdk_ver=2.2.0&fields[A]=1&x=q&start=0";
    const char *body = "{\"fields\":{\"B\":2},\"x\":\"b\",\"start\":-1}";
    CHECK_INT(params_parse_query(qo, qs, strlen(qs), NULL, err, sizeof(err)), 0);
    CHECK_INT(params_parse_json(bo, body, strlen(body), NULL, err, sizeof(err)), 0);
    CHECK_INT(params_merge(qo, bo), 0);
    json_decref(bo);
    params_finish(qo);
    CHECK_STR(dump(qo), "{\"auth\":\"Q\",\"bx24_request_id\":\"7f3c\",\"bx24_sdk_ver\":\"2.2.0\","
                        "\"fields\":{\"A\":\"1\",\"B\":2},\"x\":\"b\",\"start\":-1}");
    CHECK_INT(params_merge(qo, json_object_get(qo, "x")), -E_INVAL);
    CHECK_INT(params_merge(NULL, qo), -E_INVAL);
    json_decref(qo);
}

TEST(params_merge_replaces_non_objects)
{
    json_t *a = json_object(), *b = json_object();
    CHECK_INT(params_parse_query(a, "s[]=1&s[]=2&f[x]=1&g=1", 22, NULL, err, sizeof(err)), 0);
    CHECK_INT(params_parse_query(b, "s[]=3&f=2&g[y]=2", 16, NULL, err, sizeof(err)), 0);
    CHECK_INT(params_merge(a, b), 0);
    json_decref(b);
    params_finish(a);
    /* as PHP's $_REQUEST: s merges by key (both arrays), f and g are replaced */
    CHECK_STR(dump(a), "{\"s\":[\"3\",\"2\"],\"f\":\"2\",\"g\":{\"y\":\"2\"}}");
    json_decref(a);
}

TEST(params_get_case_insensitive)
{
    json_t *o = json_object();
    CHECK_INT(params_parse_query(o, "FIELDS[A]=1&fields[A]=2&Select[]=ID&id=5", 40, NULL, err,
                                 sizeof(err)),
              0);
    CHECK_STR(json_string_value(json_object_get(params_get(o, "fields"), "A")), "2");
    CHECK_STR(json_string_value(json_object_get(params_get(o, "FIELDS"), "A")), "1");
    CHECK_STR(json_string_value(json_object_get(params_get(o, "Fields"), "A")), "1");
    CHECK(params_get(o, "SELECT") != NULL);
    CHECK_STR(json_string_value(params_get(o, "ID")), "5");
    CHECK(params_get(o, "filter") == NULL);
    CHECK(params_get(NULL, "id") == NULL);
    CHECK(params_get(o, NULL) == NULL);
    json_decref(o);
}

/* --- coercion ------------------------------------------------------------------------------ */

static int to_int(json_t *v, int64_t *dst)
{
    int rc = params_to_int64(v, dst);
    json_decref(v);
    return rc;
}

TEST(params_coerce_int64)
{
    int64_t v = 0;
    CHECK_INT(to_int(json_integer(5), &v), 0);
    CHECK_INT(v, 5);
    CHECK_INT(to_int(json_real(7.0), &v), 0);
    CHECK_INT(v, 7);
    CHECK_INT(to_int(json_real(-9223372036854775808.0), &v), 0);
    CHECK(v == INT64_MIN);
    CHECK_INT(to_int(json_string("  -42 "), &v), 0);
    CHECK_INT(v, -42);
    CHECK_INT(to_int(json_string("+7"), &v), 0);
    CHECK_INT(v, 7);
    CHECK_INT(to_int(json_string("9223372036854775807"), &v), 0);
    CHECK(v == INT64_MAX);
    CHECK_INT(to_int(json_string("-9223372036854775808"), &v), 0);
    CHECK(v == INT64_MIN);
    v = 99;
    CHECK_INT(to_int(json_string("9223372036854775808"), &v), -E_INVAL);
    CHECK_INT(to_int(json_string("-9223372036854775809"), &v), -E_INVAL);
    CHECK_INT(to_int(json_string(""), &v), -E_INVAL);
    CHECK_INT(to_int(json_string(" "), &v), -E_INVAL);
    CHECK_INT(to_int(json_string("-"), &v), -E_INVAL);
    CHECK_INT(to_int(json_string("12a"), &v), -E_INVAL);
    CHECK_INT(to_int(json_string("1 2"), &v), -E_INVAL);
    CHECK_INT(to_int(json_string("1e3"), &v), -E_INVAL);
    CHECK_INT(to_int(json_string("5.0"), &v), -E_INVAL);
    CHECK_INT(to_int(json_stringn("1\0", 2), &v), -E_INVAL);
    CHECK_INT(to_int(json_real(5.5), &v), -E_INVAL);
    CHECK_INT(to_int(json_real(1e19), &v), -E_INVAL);
    CHECK_INT(to_int(json_true(), &v), -E_INVAL);
    CHECK_INT(to_int(json_null(), &v), -E_INVAL);
    CHECK_INT(to_int(json_object(), &v), -E_INVAL);
    CHECK_INT(to_int(NULL, &v), -E_INVAL);
    CHECK_INT(v, 99);
}

static int to_dbl(json_t *v, double *dst)
{
    int rc = params_to_double(v, dst);
    json_decref(v);
    return rc;
}

TEST(params_coerce_double)
{
    double d = 0;
    CHECK_INT(to_dbl(json_string("1.5"), &d), 0);
    CHECK(d == 1.5);
    CHECK_INT(to_dbl(json_string(" -2e3 "), &d), 0);
    CHECK(d == -2000);
    CHECK_INT(to_dbl(json_string("15000.00"), &d), 0);
    CHECK(d == 15000);
    CHECK_INT(to_dbl(json_string(".5"), &d), 0);
    CHECK(d == 0.5);
    CHECK_INT(to_dbl(json_string("1."), &d), 0);
    CHECK(d == 1);
    CHECK_INT(to_dbl(json_integer(3), &d), 0);
    CHECK(d == 3);
    CHECK_INT(to_dbl(json_real(0.25), &d), 0);
    CHECK(d == 0.25);
    d = 42;
    CHECK_INT(to_dbl(json_string("1e999"), &d), -E_INVAL);
    CHECK_INT(to_dbl(json_string("nan"), &d), -E_INVAL);
    CHECK_INT(to_dbl(json_string("inf"), &d), -E_INVAL);
    CHECK_INT(to_dbl(json_string("0x10"), &d), -E_INVAL);
    CHECK_INT(to_dbl(json_string("."), &d), -E_INVAL);
    CHECK_INT(to_dbl(json_string("1e"), &d), -E_INVAL);
    CHECK_INT(to_dbl(json_string("1,5"), &d), -E_INVAL);
    CHECK_INT(to_dbl(json_string(""), &d), -E_INVAL);
    CHECK_INT(to_dbl(json_false(), &d), -E_INVAL);
    CHECK_INT(to_dbl(json_array(), &d), -E_INVAL);
    CHECK_INT(to_dbl(NULL, &d), -E_INVAL);
    CHECK(d == 42);
}

static int to_bool(json_t *v, bool *dst)
{
    int rc = params_to_bool(v, dst);
    json_decref(v);
    return rc;
}

TEST(params_coerce_bool)
{
    static const char *yes[] = {"Y", "y", "1", "true", "TRUE", " True "};
    static const char *no[] = {"N", "n", "0", "false", "FALSE"};
    static const char *bad[] = {"", "yes", "no", "2", "-1", "t", "YY", "on"};
    bool b = false;
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        b = false;
        CHECK_INT(to_bool(json_string(yes[i]), &b), 0);
        CHECK(b);
    }
    for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
        b = true;
        CHECK_INT(to_bool(json_string(no[i]), &b), 0);
        CHECK(!b);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        CHECK_INT(to_bool(json_string(bad[i]), &b), -E_INVAL);
    CHECK_INT(to_bool(json_true(), &b), 0);
    CHECK(b);
    CHECK_INT(to_bool(json_false(), &b), 0);
    CHECK(!b);
    CHECK_INT(to_bool(json_integer(1), &b), 0);
    CHECK(b);
    CHECK_INT(to_bool(json_integer(0), &b), 0);
    CHECK(!b);
    CHECK_INT(to_bool(json_real(1.0), &b), 0);
    CHECK(b);
    CHECK_INT(to_bool(json_integer(2), &b), -E_INVAL);
    CHECK_INT(to_bool(json_null(), &b), -E_INVAL);
    CHECK_INT(to_bool(NULL, &b), -E_INVAL);
}

static const char *to_str(json_t *v, char *buf, size_t size)
{
    static char keep[64];
    const char *s = params_to_str(v, buf, size);
    snprintf(keep, sizeof(keep), "%s", s ? s : "(null)");
    json_decref(v);
    return keep;
}

TEST(params_coerce_str)
{
    char buf[PARAMS_STR_BUFSIZE], tiny[4];
    json_t *s = json_string("abc");
    CHECK(params_to_str(s, buf, sizeof(buf)) == json_string_value(s)); /* borrowed */
    CHECK(params_to_str(s, NULL, 0) == json_string_value(s));
    json_decref(s);
    CHECK_STR(to_str(json_integer(42), buf, sizeof(buf)), "42");
    CHECK_STR(to_str(json_integer(INT64_MIN), buf, sizeof(buf)), "-9223372036854775808");
    CHECK_STR(to_str(json_real(0.1), buf, sizeof(buf)), "0.1");
    CHECK_STR(to_str(json_real(5.0), buf, sizeof(buf)), "5");
    CHECK_STR(to_str(json_real(15000.5), buf, sizeof(buf)), "15000.5");
    CHECK_STR(to_str(json_real(1e300), buf, sizeof(buf)), "1e+300");
    CHECK_STR(to_str(json_real(-2.2250738585072014e-308), buf, sizeof(buf)),
              "-2.2250738585072014e-308");
    CHECK_STR(to_str(json_true(), buf, sizeof(buf)), "1");
    CHECK_STR(to_str(json_false(), buf, sizeof(buf)), "0");
    CHECK_STR(to_str(json_object(), buf, sizeof(buf)), "(null)");
    CHECK_STR(to_str(json_array(), buf, sizeof(buf)), "(null)");
    CHECK_STR(to_str(json_null(), buf, sizeof(buf)), "(null)");
    CHECK_STR(to_str(json_integer(123456), tiny, sizeof(tiny)), "(null)");
    CHECK_STR(to_str(json_real(0.125), tiny, sizeof(tiny)), "(null)");
    CHECK(params_to_str(NULL, buf, sizeof(buf)) == NULL);
}

/* --- limits -------------------------------------------------------------------------------- */

/* "a" followed by n "[x]" and "=1". */
static char *nested(size_t n)
{
    char *s = malloc(4 * n + 4), *p = s;
    *p++ = 'a';
    for (size_t i = 0; i < n; i++) {
        memcpy(p, "[x]", 3);
        p += 3;
    }
    memcpy(p, "=1", 3);
    return s;
}

TEST(params_limit_depth)
{
    static const struct params_limits two = {2, 100, 100};
    char *ok = nested(32), *deep = nested(33);
    char res_ok[16], res_deep[256];
    snprintf(res_ok, sizeof(res_ok), "%.15s", q(ok));
    snprintf(res_deep, sizeof(res_deep), "%s", q(deep));
    free(ok);
    free(deep);
    CHECK_STR(res_ok, "{\"a\":{\"x\":{\"x\":");
    CHECK_STR(res_deep, "error too big: too many levels in parameter "
                        "'a[x][x][x][x][x][x][x][x][x][x][x][x][x][x][x][x][x][x][x][x][x]...' "
                        "(limit 32)");
    CHECK_STR(qlim("a[b][c]=1", &two), "{\"a\":{\"b\":{\"c\":\"1\"}}}");
    CHECK(strncmp(qlim("a[b][c][d]=1", &two), "error too big:", 14) == 0);
    CHECK(strncmp(qlim("a[][][]=1", &two), "error too big:", 14) == 0);
    CHECK_STR(jlim("{\"a\":{\"b\":{\"c\":1}}}", &two), "{\"a\":{\"b\":{\"c\":1}}}");
    CHECK_STR(jlim("{\"a\":{\"b\":{\"c\":{}}}}", &two),
              "error too big: too deeply nested json body (limit 2 levels)");
    CHECK_STR(jlim("[[[1]]]", &two), "{\"0\":[[1]]}");
    CHECK(strncmp(jlim("[[[[1]]]]", &two), "error too big:", 14) == 0);
}

TEST(params_limit_json_parser_depth)
{
    size_t n = 5000;
    char *s = malloc(2 * n + 1);
    memset(s, '[', n);
    memset(s + n, ']', n);
    s[2 * n] = 0;
    j(s);
    free(s);
    CHECK_STR(out, "error too big: too deeply nested json body (limit 32 levels)");
}

/* The pre-scan counts what the tree would hold, so strings that look like structure do not
 * count, and an over-limit body is refused however large it is. */
TEST(params_limit_json_prescan)
{
    static const struct params_limits lim = {2, 5, 4};
    CHECK_STR(jlim("{\"a\":\"[[[[{{\",\"b\":\"\\\"]}:,1,2,3\"}", &lim),
              "{\"a\":\"[[[[{{\",\"b\":\"\\\"]}:,1,2,3\"}");
    CHECK_STR(jlim("{\"k\" : [true, null, -1.5e3, \"x\"]}", &lim),
              "{\"k\":[true,null,-1500.0,\"x\"]}");
    CHECK_STR(jlim("{\"k\":[true,null,1,\"x\",{}]}", &lim),
              "error too big: too many values in json body (limit 5)");
    CHECK_STR(jlim("{\"\\u00e9\\u00e9\":1}", &lim), "{\"\u00e9\u00e9\":1}");
    CHECK_STR(jlim("{\"abcde\":1}", &lim),
              "error too big: too long json key 'abcde' (limit 4 bytes)");
    CHECK_STR(jlim("{\"abcde\" \n:1}", &lim),
              "error too big: too long json key 'abcde' (limit 4 bytes)");
    CHECK_STR(jlim("{\"abcde\":1", &lim),
              "error too big: too long json key 'abcde' (limit 4 bytes)");
    size_t n = 1000000;
    char *big = malloc(2 * n + 8);
    memcpy(big, "[", 1);
    for (size_t i = 0; i < n; i++)
        memcpy(big + 1 + 2 * i, "0,", 2);
    memcpy(big + 2 * n, "0]", 3);
    j(big);
    free(big);
    CHECK_STR(out, "error too big: too many values in json body (limit 10000)");
}

TEST(params_limit_keys)
{
    static const struct params_limits five = {8, 5, 100};
    json_t *o = json_object();
    CHECK_STR(qlim("a=1&b=2&c=3&d=4&e=5", &five),
              "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\"}");
    CHECK_STR(qlim("a=1&b=2&c=3&d=4&e=5&f=6", &five),
              "error too big: too many parameters (limit 5)");
    CHECK_STR(qlim("&&a=1&&b=2&&c=3&&d=4&&e=5&&", &five),
              "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\"}");
    CHECK_STR(jlim("{\"a\":[1,2],\"b\":{\"c\":3}}", &five), "{\"a\":[1,2],\"b\":{\"c\":3}}");
    CHECK_STR(jlim("[1,2,3,4,5,6]", &five),
              "error too big: too many values in json body (limit 5)");
    CHECK(strncmp(jlim("{\"a\":{\"b\":[1,2,3,4,5]}}", &five), "error too big:", 14) == 0);
    /* params_insert caps each object it fills */
    for (int i = 0; i < 5; i++)
        CHECK_INT(params_insert(o, "s[]", 3, "x", 1, &five, err, sizeof(err)), 0);
    CHECK_INT(params_insert(o, "s[]", 3, "x", 1, &five, err, sizeof(err)), -E_TOOBIG);
    CHECK_STR(err, "too many entries in parameter 's[]' (limit 5)");
    CHECK_INT(params_insert(o, "s[0]", 4, "y", 1, &five, err, sizeof(err)), 0);
    json_decref(o);
}

TEST(params_limit_key_length)
{
    static const struct params_limits eight = {8, 100, 8};
    CHECK_STR(qlim("abcdefgh=1", &eight), "{\"abcdefgh\":\"1\"}");
    CHECK_STR(qlim("a%5Bbc%5D=1", &eight), "{\"a\":{\"bc\":\"1\"}}");
    CHECK_STR(qlim("abcdefghi=1", &eight),
              "error too big: too long parameter name 'abcdefghi' (limit 8)");
    CHECK_STR(jlim("{\"abcdefgh\":1}", &eight), "{\"abcdefgh\":1}");
    CHECK_STR(jlim("{\"a\":{\"abcdefghi\":1}}", &eight),
              "error too big: too long json key 'abcdefghi' (limit 8 bytes)");
}

TEST(params_error_names_are_sanitized)
{
    static const struct params_limits small = {8, 100, 70};
    char qs[200];
    memset(qs, 'k', 100);
    memcpy(qs, "%01%7F", 6);
    memcpy(qs + 100, "=1", 3);
    qlim(qs, &small);
    CHECK_STR(out, "error too big: too long parameter name '??kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
                   "kkkkkkkkkkkkkkkkkkkkkkkkkkkk...' (limit 70)");
}

TEST(params_many_appends_are_linear)
{
    size_t n = 10000;
    char *qs = malloc(n * 6 + 16), *p = qs;
    json_t *o = json_object();
    clock_t t0 = clock();
    memcpy(p, "a[x]=0", 6);
    p += 6;
    for (size_t i = 1; i < n; i++) {
        memcpy(p, "&a[]=1", 6);
        p += 6;
    }
    *p = 0;
    CHECK_INT(params_parse_query(o, qs, strlen(qs), NULL, err, sizeof(err)), 0);
    free(qs);
    CHECK_INT(json_object_size(json_object_get(o, "a")), n);
    CHECK_STR(json_string_value(json_object_get(json_object_get(o, "a"), "9998")), "1");
    params_finish(o);
    json_decref(o);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
}
