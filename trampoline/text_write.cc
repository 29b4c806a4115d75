#include "sys.h"
#include "text.h"

namespace interpose::hook {

bool Text::write_to(int fd) const {
  size_t done = 0;
  while (done < len_) {
    const long r = sys::write(fd, buf_ + done, len_ - done);
    if (r == -4 /* EINTR */) continue;
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace interpose::hook
