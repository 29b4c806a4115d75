#include "eh_frame.h"

namespace interpose::rewriter {

namespace {

// DWARF pointer encodings (DW_EH_PE_*).
constexpr uint8_t kAbsPtr = 0x00, kULeb = 0x01, kUData2 = 0x02, kUData4 = 0x03,
                  kUData8 = 0x04, kSLeb = 0x09, kSData2 = 0x0a, kSData4 = 0x0b,
                  kSData8 = 0x0c;
constexpr uint8_t kPcRel = 0x10, kDataRel = 0x30;
constexpr uint8_t kOmit = 0xff;

// A cursor over a view; every read is bounds-checked and sticky on failure.
class Reader {
 public:
  Reader(ByteView v, uint64_t at) : v_(v), at_(at) {}
  bool ok() const { return ok_; }
  uint64_t pos() const { return at_; }

  uint64_t fixed(size_t n) {
    if (!ok_ || !v_.contains(at_, n)) {
      ok_ = false;
      return 0;
    }
    uint64_t r = 0;
    const uint8_t* p = v_.data + (at_ - v_.addr);
    for (size_t i = 0; i < n; ++i) r |= uint64_t{p[i]} << (8 * i);
    at_ += n;
    return r;
  }
  uint8_t u8() { return static_cast<uint8_t>(fixed(1)); }

  uint64_t uleb() {
    uint64_t r = 0;
    for (unsigned shift = 0;; shift += 7) {
      const uint8_t b = u8();
      if (!ok_) return 0;
      if (shift < 64) r |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return r;
      if (shift > 70) {
        ok_ = false;
        return 0;
      }
    }
  }

  int64_t sleb() {
    uint64_t r = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    do {
      b = u8();
      if (!ok_) return 0;
      if (shift < 64) r |= uint64_t{b & 0x7fu} << shift;
      shift += 7;
      if (shift > 70) {
        ok_ = false;
        return 0;
      }
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) r |= ~uint64_t{0} << shift;
    return static_cast<int64_t>(r);
  }

  // A NUL-terminated string, returned as its view offset; false at the end.
  bool skip_string(char* first_chars, size_t cap) {
    size_t n = 0;
    for (;;) {
      const uint8_t c = u8();
      if (!ok_) return false;
      if (c == 0) break;
      if (n + 1 < cap) first_chars[n++] = static_cast<char>(c);
      else {
        ok_ = false;
        return false;
      }
    }
    first_chars[n] = '\0';
    return true;
  }

  // The value part of an encoded pointer (no application, no indirection).
  uint64_t encoded_value(uint8_t enc) {
    switch (enc & 0x0f) {
      case kAbsPtr: return fixed(8);
      case kULeb: return uleb();
      case kUData2: return fixed(2);
      case kUData4: return fixed(4);
      case kUData8: return fixed(8);
      case kSLeb: return static_cast<uint64_t>(sleb());
      case kSData2: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(fixed(2))));
      case kSData4: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(fixed(4))));
      case kSData8: return fixed(8);
      default:
        ok_ = false;
        return 0;
    }
  }

  // A full encoded pointer; `datarel_base` is the .eh_frame_hdr address.
  bool pointer(uint8_t enc, uint64_t datarel_base, uint64_t* out) {
    if (enc == kOmit || (enc & 0x80) != 0) {  // indirect pointers need a load: unsupported
      ok_ = false;
      return false;
    }
    const uint64_t field = at_;
    uint64_t v = encoded_value(enc);
    switch (enc & 0x70) {
      case 0: break;
      case kPcRel: v += field; break;
      case kDataRel: v += datarel_base; break;
      default: ok_ = false; return false;
    }
    *out = v;
    return ok_;
  }

 private:
  ByteView v_;
  uint64_t at_;
  bool ok_ = true;
};

size_t fixed_size(uint8_t enc) {
  switch (enc & 0x0f) {
    case kUData2: case kSData2: return 2;
    case kUData4: case kSData4: return 4;
    case kUData8: case kSData8: case kAbsPtr: return 8;
    default: return 0;
  }
}

}  // namespace

FdeIndex::FdeIndex(ByteView hdr, ByteView frame) : hdr_(hdr), frame_(frame) {
  Reader r(hdr_, hdr_.addr);
  const uint8_t version = r.u8();
  const uint8_t frame_ptr_enc = r.u8();
  const uint8_t count_enc = r.u8();
  table_enc_ = r.u8();
  if (!r.ok() || version != 1) return;
  uint64_t frame_ptr = 0, count = 0;
  if (!r.pointer(frame_ptr_enc, hdr_.addr, &frame_ptr)) return;
  if (count_enc == kOmit || table_enc_ == kOmit) {
    status_ = EhStatus::kUnsupported;
    return;
  }
  if (!r.pointer(count_enc, hdr_.addr, &count)) return;
  entry_size_ = fixed_size(table_enc_) * 2;
  if (entry_size_ == 0 || (table_enc_ & 0x70) != kDataRel) {
    status_ = EhStatus::kUnsupported;
    return;
  }
  table_addr_ = r.pos();
  if (count > hdr_.size / entry_size_ || !hdr_.contains(table_addr_, count * entry_size_)) return;
  count_ = count;
  status_ = EhStatus::kOk;
}

EhStatus FdeIndex::table_entry(size_t i, uint64_t* initial, uint64_t* fde) const {
  Reader r(hdr_, table_addr_ + i * entry_size_);
  if (!r.pointer(table_enc_, hdr_.addr, initial) || !r.pointer(table_enc_, hdr_.addr, fde))
    return EhStatus::kMalformed;
  return EhStatus::kOk;
}

EhStatus FdeIndex::parse_fde(uint64_t fde_addr, FunctionRange* out) const {
  Reader r(frame_, fde_addr);
  uint64_t length = r.fixed(4);
  if (length == 0xffffffffu) length = r.fixed(8);
  const uint64_t body = r.pos();
  const uint64_t cie_field = r.pos();
  const uint64_t cie_delta = r.fixed(4);
  if (!r.ok() || cie_delta == 0 || length < 8 || !frame_.contains(body, length))
    return EhStatus::kMalformed;
  if (cie_delta > cie_field) return EhStatus::kMalformed;

  // The CIE says how the FDE's addresses are encoded.
  Reader c(frame_, cie_field - cie_delta);
  uint64_t cie_length = c.fixed(4);
  if (cie_length == 0xffffffffu) cie_length = c.fixed(8);
  const uint64_t cie_body = c.pos();
  const uint64_t cie_id = c.fixed(4);
  const uint8_t version = c.u8();
  char aug[16];
  if (!c.ok() || cie_id != 0 || !frame_.contains(cie_body, cie_length) ||
      (version != 1 && version != 3) || !c.skip_string(aug, sizeof aug))
    return EhStatus::kMalformed;
  c.uleb();  // code alignment
  c.sleb();  // data alignment
  if (version == 1) c.u8(); else c.uleb();  // return address register
  uint8_t fde_enc = kAbsPtr;
  if (aug[0] == 'z') {
    c.uleb();  // augmentation data length
    for (const char* a = aug + 1; *a != '\0' && c.ok(); ++a) {
      switch (*a) {
        case 'R': fde_enc = c.u8(); break;
        case 'L': c.u8(); break;
        case 'P': {
          const uint8_t penc = c.u8();
          if ((penc & 0x0f) == kULeb) c.uleb();
          else if ((penc & 0x0f) == kSLeb) c.sleb();
          else {
            const size_t n = fixed_size(penc);
            if (n == 0) return EhStatus::kUnsupported;
            c.fixed(n);
          }
          break;
        }
        case 'S': case 'B': break;
        default: return EhStatus::kUnsupported;  // cannot know where 'R' would be
      }
    }
  } else if (aug[0] != '\0') {
    return EhStatus::kUnsupported;
  }
  if (!c.ok()) return EhStatus::kMalformed;

  uint64_t begin = 0;
  if (!r.pointer(fde_enc, hdr_.addr, &begin)) return EhStatus::kMalformed;
  const uint64_t range = r.encoded_value(fde_enc & 0x0f);
  if (!r.ok() || range > (uint64_t{1} << 32) || begin + range < begin) return EhStatus::kMalformed;
  out->begin = begin;
  out->end = begin + range;
  return EhStatus::kOk;
}

EhStatus FdeIndex::rank(uint64_t pc, size_t* out) const {
  if (status_ != EhStatus::kOk) return status_;
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    uint64_t initial = 0, fde = 0;
    if (table_entry(mid, &initial, &fde) != EhStatus::kOk) return EhStatus::kMalformed;
    if (initial <= pc) lo = mid + 1;
    else hi = mid;
  }
  *out = lo;
  return EhStatus::kOk;
}

EhStatus FdeIndex::lookup(uint64_t pc, FunctionRange* out) const {
  size_t r = 0;
  if (const EhStatus s = rank(pc, &r); s != EhStatus::kOk) return s;
  if (r == 0) return EhStatus::kNotFound;
  FunctionRange f;
  if (const EhStatus s = function_at(r - 1, &f); s != EhStatus::kOk) return s;
  if (pc >= f.end) return EhStatus::kNotFound;
  *out = f;
  return EhStatus::kOk;
}

EhStatus FdeIndex::neighbors(uint64_t pc, FunctionRange* before, FunctionRange* after) const {
  size_t r = 0;
  if (const EhStatus s = rank(pc, &r); s != EhStatus::kOk) return s;
  if (r == 0 || r >= count_) return EhStatus::kNotFound;
  if (const EhStatus s = function_at(r - 1, before); s != EhStatus::kOk) return s;
  if (const EhStatus s = function_at(r, after); s != EhStatus::kOk) return s;
  if (before->end > pc || after->begin <= pc) return EhStatus::kNotFound;
  return EhStatus::kOk;
}

EhStatus FdeIndex::function_at(size_t i, FunctionRange* out) const {
  if (status_ != EhStatus::kOk) return status_;
  if (i >= count_) return EhStatus::kNotFound;
  uint64_t initial = 0, fde = 0;
  if (table_entry(i, &initial, &fde) != EhStatus::kOk) return EhStatus::kMalformed;
  FunctionRange f;
  if (const EhStatus s = parse_fde(fde, &f); s != EhStatus::kOk) return s;
  if (f.begin != initial) return EhStatus::kMalformed;
  *out = f;
  return EhStatus::kOk;
}

}  // namespace interpose::rewriter
