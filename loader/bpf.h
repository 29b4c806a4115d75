// Writing classic BPF programs for seccomp: statements, jumps, and a balanced
// decision tree on the syscall number (shared by the sandbox's floor and the
// boot filter).
#pragma once

#include <linux/filter.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace interpose::loader::bpf {

// Numbers [first, the next range's first) share an action.
template <class Action>
struct Range {
  uint32_t first;
  Action action;
};

// The runs of equal actions of a table indexed by syscall number.
template <class Action>
std::vector<Range<Action>> ranges_of(const std::vector<Action>& by_nr) {
  std::vector<Range<Action>> ranges;
  for (uint32_t nr = 0; nr < by_nr.size(); ++nr)
    if (ranges.empty() || !(ranges.back().action == by_nr[nr])) ranges.push_back({nr, by_nr[nr]});
  return ranges;
}

class Program {
 public:
  std::vector<sock_filter> prog;

  void stmt(uint16_t code, uint32_t k) { prog.push_back(BPF_STMT(code, k)); }
  // A jump forward to a place not written yet: patch it with land_here().
  size_t jump_later() {
    prog.push_back(BPF_STMT(BPF_JMP | BPF_JA, 0));
    return prog.size() - 1;
  }
  void land_here(size_t ja) { prog[ja].k = static_cast<uint32_t>(prog.size() - ja - 1); }
  void jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { prog.push_back(BPF_JUMP(code, k, jt, jf)); }

  // A balanced decision tree on the syscall number (in A) over ranges[lo, hi):
  // log2(ranges) comparisons per syscall instead of one per listed number.
  // leaf(action) emits the code of one range, which must end in a return.
  template <class Action, class Leaf>
  void tree(const std::vector<Range<Action>>& r, size_t lo, size_t hi, const Leaf& leaf) {
    if (hi - lo == 1) {
      leaf(r[lo].action);
      return;
    }
    const size_t mid = lo + (hi - lo) / 2;
    jump(BPF_JMP | BPF_JGE | BPF_K, r[mid].first, 0, 1);  // >= : the JA to the upper half
    const size_t upper = jump_later();
    tree(r, lo, mid, leaf);
    land_here(upper);
    tree(r, mid, hi, leaf);
  }
};

}  // namespace interpose::loader::bpf
