/*
 * Loopback ceiling: a forked sender send()s TOTAL bytes over 127.0.0.1 from a
 * 1 MiB buffer; the receiver recv()s into a 1 MiB buffer. Prints
 * "<bytes> <seconds>" measured by the receiver from accept to the last byte.
 * Built by bench/ceiling.ts into a temporary directory at bench time.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUF (1024 * 1024)

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sender(int port, long long total) {
  static char buf[BUF];
  memset(buf, 'x', sizeof buf);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) _exit(2);
  while (total > 0) {
    ssize_t n = send(fd, buf, total < BUF ? (size_t)total : BUF, 0);
    if (n <= 0) _exit(3);
    total -= n;
  }
  close(fd);
  _exit(0);
}

int main(int argc, char **argv) {
  long long total = argc > 1 ? atoll(argv[1]) : (1LL << 30);
  static char buf[BUF];
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 1) != 0) return 1;
  getsockname(ls, (struct sockaddr *)&a, &len);
  pid_t pid = fork();
  if (pid == 0) sender(ntohs(a.sin_port), total);
  int fd = accept(ls, NULL, NULL);
  double t0 = seconds();
  long long got = 0;
  for (;;) {
    ssize_t n = recv(fd, buf, BUF, 0);
    if (n <= 0) break;
    got += n;
  }
  double dt = seconds() - t0;
  int status = 0;
  waitpid(pid, &status, 0);
  printf("%lld %.6f\n", got, dt);
  return got == total ? 0 : 1;
}
