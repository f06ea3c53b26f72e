// local_to_utc / utc_to_local: a small reader of the system's compiled zoneinfo (TZif, RFC 8536). GCC 12 has no
// std::chrono tzdb, and setenv("TZ") + localtime_r is not thread-safe; zones are read once and cached.
#include "dc/core/model/time_stamp.h"

#include "model/civil_calendar.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

namespace dc::core {

namespace {

constexpr std::int64_t kNs = 1'000'000'000;

std::int64_t year_of(std::int64_t seconds) {
  return civil_from_days(seconds / 86400 - (seconds % 86400 < 0)).year;
}

// The POSIX TZ rule in a TZif footer ("CET-1CEST,M3.5.0,M10.5.0/3"): used after the last listed transition.
// Only the Mm.w.d form is supported, which every IANA zone with ongoing DST uses.
struct PosixRule {
  std::int64_t std_offset = 0, dst_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  unsigned start_month = 0, start_week = 0, start_wday = 0, end_month = 0, end_week = 0, end_wday = 0;
  std::int64_t start_time = 7200, end_time = 7200;  // local seconds after midnight

  // Local seconds of the transition in `year` (Mm.w.d: weekday d of week w (5 = last) of month m).
  static std::int64_t local_at(std::int64_t year, unsigned m, unsigned w, unsigned d, std::int64_t time) {
    const std::int64_t first = days_from_civil(year, m, 1);
    const std::int64_t wday_first = ((first % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4)
    std::int64_t day = first + (static_cast<std::int64_t>(d) - wday_first + 7) % 7 + 7 * (w - 1);
    static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const unsigned dim = m == 2 ? (leap ? 29 : 28) : kDays[m - 1];
    while (day >= first + dim) day -= 7;
    return day * 86400 + time;
  }

  std::int64_t offset_at(std::int64_t utc) const {
    if (!has_dst) return std_offset;
    const std::int64_t year = year_of(utc + std_offset);
    const std::int64_t start = local_at(year, start_month, start_week, start_wday, start_time) - std_offset;
    const std::int64_t end = local_at(year, end_month, end_week, end_wday, end_time) - dst_offset;
    const bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
    return dst ? dst_offset : std_offset;
  }
};

class Cursor {
public:
  explicit Cursor(const std::string& s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void name() {
    if (eat('<')) {
      while (!done() && !eat('>')) ++i_;
      return;
    }
    while (!done() && std::isalpha(static_cast<unsigned char>(peek()))) ++i_;
  }
  long number() {
    long v = 0;
    bool any = false;
    while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) {
      v = v * 10 + (s_[i_++] - '0');
      any = true;
    }
    if (!any) throw std::invalid_argument("bad TZ rule");
    return v;
  }
  // [+-]hh[:mm[:ss]] in seconds.
  std::int64_t hms() {
    const bool neg = eat('-');
    if (!neg) eat('+');
    std::int64_t v = number() * 3600;
    if (eat(':')) v += number() * 60;
    if (eat(':')) v += number();
    return neg ? -v : v;
  }

private:
  const std::string& s_;
  std::size_t i_ = 0;
};

std::optional<PosixRule> parse_posix(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    Cursor c(text);
    PosixRule r;
    c.name();
    r.std_offset = -c.hms();  // POSIX offsets are west-positive
    if (c.done()) return r;
    c.name();
    r.has_dst = true;
    r.dst_offset = r.std_offset + 3600;
    if (c.peek() != ',') r.dst_offset = -c.hms();
    auto date = [&](unsigned& m, unsigned& w, unsigned& d, std::int64_t& t) {
      if (!c.eat(',') || !c.eat('M')) throw std::invalid_argument("unsupported TZ rule");
      m = static_cast<unsigned>(c.number());
      c.eat('.');
      w = static_cast<unsigned>(c.number());
      c.eat('.');
      d = static_cast<unsigned>(c.number());
      if (c.eat('/')) t = c.hms();
      if (m < 1 || m > 12 || w < 1 || w > 5 || d > 6) throw std::invalid_argument("bad TZ rule");
    };
    date(r.start_month, r.start_week, r.start_wday, r.start_time);
    date(r.end_month, r.end_week, r.end_wday, r.end_time);
    return r;
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

class Zone {
public:
  static std::shared_ptr<const Zone> load(const std::string& name);

  std::int64_t offset_at(std::int64_t utc) const {
    const auto it = std::upper_bound(times_.begin(), times_.end(), utc);
    if (it == times_.end() && footer_) return footer_->offset_at(utc);
    if (it == times_.begin()) return initial_offset_;
    return offsets_[static_cast<std::size_t>(std::distance(times_.begin(), it) - 1)];
  }

private:
  std::vector<std::int64_t> times_;    // UTC seconds of each transition
  std::vector<std::int64_t> offsets_;  // offset in force from that transition on
  std::int64_t initial_offset_ = 0;
  std::optional<PosixRule> footer_;
};

std::int64_t be(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

std::shared_ptr<const Zone> Zone::load(const std::string& name) {
  // Only names like "Europe/Berlin": no absolute paths, no "..".
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos)
    throw std::invalid_argument("unknown time zone '" + name + "'");
  const char* dir = std::getenv("TZDIR");
  const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  const std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&] { return std::invalid_argument("unknown time zone '" + name + "' (cannot read " + path + ")"); };
  if (b.size() < 44 || b[0] != 'T' || b[1] != 'Z' || b[2] != 'i' || b[3] != 'f') throw bad();
  auto counts = [&](std::size_t at, std::int64_t c[6]) {
    if (at + 44 > b.size()) throw bad();
    for (int i = 0; i < 6; ++i) c[i] = be(&b[at + 20 + 4 * static_cast<std::size_t>(i)], 4);
  };
  std::int64_t c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  counts(0, c);
  std::size_t at = 44;
  int width = 4;
  if (b[4] >= '2') {  // skip the 32-bit block; the 64-bit one follows with its own header
    at += static_cast<std::size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    counts(at, c);
    at += 44;
    width = 8;
  }
  const auto timecnt = static_cast<std::size_t>(c[3]), typecnt = static_cast<std::size_t>(c[4]);
  const std::size_t data = timecnt * static_cast<std::size_t>(width) + timecnt + typecnt * 6 +
                           static_cast<std::size_t>(c[5] + c[2] * (width + 4) + c[1] + c[0]);
  if (typecnt == 0 || at + data > b.size()) throw bad();
  auto zone = std::make_shared<Zone>();
  const unsigned char* types = &b[at + timecnt * static_cast<std::size_t>(width) + timecnt];
  auto offset_of = [&](std::size_t type) {
    if (type >= typecnt) throw bad();
    return be(types + type * 6, 4);
  };
  for (std::size_t i = 0; i < timecnt; ++i) {
    zone->times_.push_back(be(&b[at + i * static_cast<std::size_t>(width)], width));
    zone->offsets_.push_back(offset_of(b[at + timecnt * static_cast<std::size_t>(width) + i]));
  }
  zone->initial_offset_ = offset_of(0);
  if (width == 8) {
    std::size_t f = at + data;
    if (f < b.size() && b[f] == '\n') {
      const std::size_t e = std::find(b.begin() + static_cast<std::ptrdiff_t>(f) + 1, b.end(), '\n') - b.begin();
      zone->footer_ = parse_posix(std::string(b.begin() + static_cast<std::ptrdiff_t>(f) + 1,
                                              b.begin() + static_cast<std::ptrdiff_t>(e)));
    }
  }
  return zone;
}

std::shared_ptr<const Zone> zone(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Zone>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  auto z = Zone::load(name);
  cache.emplace(name, z);
  return z;
}

bool is_utc(const std::string& name) { return name.empty() || name == "UTC" || name == "Etc/UTC"; }

std::int64_t floor_seconds(TimestampNs t) { return t / kNs - (t % kNs < 0); }

}  // namespace

TimestampNs utc_to_local(TimestampNs utc, const std::string& name) {
  if (is_utc(name)) return utc;
  return utc + zone(name)->offset_at(floor_seconds(utc)) * kNs;
}

TimestampNs local_to_utc(TimestampNs local_wall, const std::string& name) {
  if (is_utc(name)) return local_wall;
  const auto z = zone(name);
  const std::int64_t l = floor_seconds(local_wall);
  // Offsets change at most a few times a year: the ones a day before and after are the only candidates.
  const std::int64_t before = z->offset_at(l - 86400), after = z->offset_at(l + 86400);
  std::optional<std::int64_t> best;
  for (std::int64_t o : {before, after})
    if (z->offset_at(l - o) == o && (!best || l - o < l - *best)) best = o;  // earliest occurrence wins
  return local_wall - (best ? *best : before) * kNs;
}

}  // namespace dc::core
