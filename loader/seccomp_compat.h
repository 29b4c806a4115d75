// seccomp user-notification values newer than Debian 12's kernel headers
// (Linux 6.1), from the kernel's uapi: Linux 6.6 can wake the supervisor on
// the caller's CPU, which makes a notification round trip about a third as long.
#pragma once

#include <linux/seccomp.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
