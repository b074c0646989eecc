/* Lower-cases UTF-8 text character by character with towlower_l in the C.UTF-8 locale (see
 * textfold.h). The locale object is made once and shared: the _l functions and
 * uselocale() do not touch the process's global locale, so threads need no lock. */
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/base/textfold.h"

static locale_t fold_locale;
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void fold_init(void)
{
    fold_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

bool text_is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] & 0x80)
            return false;
    return true;
}

int text_fold(const char *s, size_t len, struct strbuf *out)
{
    pthread_once(&fold_once, fold_init);
    if (!fold_locale || text_is_ascii(s, len)) { /* no UTF-8 locale: ASCII folding only */
        for (size_t i = 0; i < len; i++) {
            char ch = s[i];
            if (ch >= 'A' && ch <= 'Z')
                ch = (char)(ch - 'A' + 'a');
            if (strbuf_addch(out, ch))
                return -E_NOMEM;
        }
        return 0;
    }
    locale_t before = uselocale(fold_locale);
    mbstate_t in, outst;
    memset(&in, 0, sizeof(in));
    memset(&outst, 0, sizeof(outst));
    int rc = 0;
    for (size_t i = 0; i < len && !rc;) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s + i, len - i, &in);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) { /* invalid, cut or NUL: as is */
            memset(&in, 0, sizeof(in));
            rc = strbuf_addch(out, s[i]) ? -E_NOMEM : 0;
            i++;
            continue;
        }
        char buf[MB_LEN_MAX];
        size_t m = wcrtomb(buf, (wchar_t)towlower_l((wint_t)wc, fold_locale), &outst);
        if (m == (size_t)-1)
            rc = strbuf_add(out, s + i, n) ? -E_NOMEM : 0;
        else
            rc = strbuf_add(out, buf, m) ? -E_NOMEM : 0;
        i += n;
    }
    uselocale(before);
    return rc;
}
