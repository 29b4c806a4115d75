// Event lines: --log FILE (one JSON object per line for each call the policy
// refuses or logs) and --trace (a strace-like line per call).  Formatted on the
// stack and written with one write(2) to the launcher's event fd, so lines from
// threads and processes do not interleave; nothing is allocated.
#pragma once

#include <stdint.h>

#include "abi.h"

namespace interpose::hook::events {

struct Event {
  const char* decision;  // "allow", "errno", "kill", "trap"
  long errno_value;      // with "errno"
  const char* rule;      // the rule that decided ("" when none)
  const char* path;      // the path judged, or nullptr
};

// A JSON line: {"time":..,"pid":..,"tid":..,"syscall":..,"args":[..],"decision":..,...}
void log(const interpose_frame* f, const Event& e);

// "[pid N] name(args) = result" (result < 0: "-1 ENOENT"); has_result false: "= ?".
void trace(const interpose_frame* f, long result, bool has_result);

}  // namespace interpose::hook::events
