/* Subscriber side of bench/live: opens N WebSocket connections to /live, prints "ready", then
 * reads with epoll and notes the wall-clock time (microseconds) each text frame arrives on each
 * connection, until every connection has E frames or T seconds pass. Prints one line per
 * connection with its arrival times. Written in C so the figure is kazi's, not the reader's.
 * usage: live_reader HOST PORT COOKIE N E T */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct sub {
    int fd;
    unsigned char buf[8192];
    size_t len;
    int got;
    int64_t *at;
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    if (argc != 7)
        return 2;
    const char *host = argv[1], *cookie = argv[3];
    int port = atoi(argv[2]), n = atoi(argv[4]), e = atoi(argv[5]), t = atoi(argv[6]);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &sa.sin_addr);
    char req[1024];
    int rl = snprintf(req, sizeof(req),
                      "GET /live HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: "
                      "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      "Sec-WebSocket-Version: 13\r\nOrigin: http://%s:%d\r\nCookie: "
                      "kazi_session=%s\r\n\r\n",
                      host, port, host, port, cookie);
    struct sub *subs = calloc((size_t)n, sizeof(*subs));
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        struct sub *s = &subs[i];
        s->at = calloc((size_t)e, sizeof(int64_t));
        s->fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
            write(s->fd, req, (size_t)rl) != rl)
            return 1;
        char hb[1024];
        size_t hl = 0;
        while (hl < 4 || memcmp(hb + hl - 4, "\r\n\r\n", 4)) { /* byte by byte: no frame is read */
            if (read(s->fd, hb + hl, 1) != 1 || ++hl == sizeof(hb))
                return 1;
        }
        if (memcmp(hb, "HTTP/1.1 101", 12))
            return 1;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
        epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
    }
    printf("ready\n");
    fflush(stdout);
    int64_t end = now_us() + (int64_t)t * 1000000;
    int done = 0;
    struct epoll_event evs[256];
    while (done < n && now_us() < end) {
        int k = epoll_wait(ep, evs, 256, 500);
        for (int i = 0; i < k; i++) {
            struct sub *s = evs[i].data.ptr;
            ssize_t r = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
            int64_t at = now_us();
            if (r <= 0)
                continue;
            s->len += (size_t)r;
            size_t off = 0;
            while (s->len - off >= 2) {
                size_t pl = s->buf[off + 1] & 0x7f, h = 2;
                if (pl == 126) {
                    if (s->len - off < 4)
                        break;
                    pl = (size_t)s->buf[off + 2] << 8 | s->buf[off + 3];
                    h = 4;
                }
                if (s->len - off < h + pl)
                    break;
                if ((s->buf[off] & 0x0f) == 1 && s->got < e && ++s->got == e)
                    done++;
                if ((s->buf[off] & 0x0f) == 1 && s->got <= e)
                    s->at[s->got - 1] = at;
                off += h + pl;
            }
            memmove(s->buf, s->buf + off, s->len - off);
            s->len -= off;
        }
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < subs[i].got; j++)
            printf("%s%lld", j ? " " : "", (long long)subs[i].at[j]);
        printf("\n");
    }
    return 0;
}
