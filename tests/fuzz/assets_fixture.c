/* A stand-in for the embedded web app in fuzz targets (the real build/gen/assets_web.c needs
 * node to build): an index.html, one content-hashed file and its gzip twin, enough for every
 * branch of assets.c. */
#include "core/http/assets.h"

#define TEXT(name, s)                                                                              \
    {                                                                                              \
        name, s, sizeof(s) - 1                                                                     \
    }

const struct embedded_file assets_web[] = {
    TEXT("index.html", "<!doctype html><title>kazi</title><script src=\"/assets/app.1a2b3c4d.js\">"
                       "</script>\n"),
    TEXT("assets/app.1a2b3c4d.js", "console.log(\"kazi\");\n"),
    TEXT("assets/app.1a2b3c4d.js.gz",
         "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x4b\xce\xcf\x2b\xce\xcf\x49\xd5\xcb\xc9\x4f"
         "\xd7\x50\xca\x4e\xac\xca\x54\xd2\xb4\xe6\x02\x00\xe4\xa0\x03\xb2\x15\x00\x00\x00"),
    {NULL, NULL, 0},
};
