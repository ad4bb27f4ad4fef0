#include "dicom/deflate_check.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "model/memory_budget.hpp"

namespace dcmlens::dicom {

namespace {

constexpr const char* kDeflatedUid = "1.2.840.10008.1.2.1.99";
constexpr std::uint32_t kUndefinedLength = 0xFFFFFFFF;

std::uint16_t u16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

std::uint32_t u32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

// The VRs of PS3.5 6.2 (as DCMTK 3.6.7 knows them); those with a 4-byte length after 2 reserved
// bytes in explicit VR (PS3.5 7.1.2).
bool isKnownVr(std::uint8_t a, std::uint8_t b) {
    static const char* const kVrs[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL",
                                       "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW",
                                       "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC",
                                       "UI", "UL", "UN", "UR", "US", "UT", "UV"};
    for (const char* vr : kVrs) {
        if (vr[0] == a && vr[1] == b) {
            return true;
        }
    }
    return false;
}

bool hasLongLength(std::uint8_t a, std::uint8_t b) {
    static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                        "SV", "UC", "UN", "UR", "UT", "UV"};
    for (const char* vr : kLong) {
        if (vr[0] == a && vr[1] == b) {
            return true;
        }
    }
    return false;
}

// How DCMTK 3.6.7 reads a VR it does not know (checked with dcmdump): two upper-case letters
// ("Non-standard VR ..., assuming 4 byte length field") as the long form, anything else with a
// 2-byte length.
bool readsLongLength(std::uint8_t a, std::uint8_t b) {
    const bool letters = a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z';
    return hasLongLength(a, b) || (letters && !isKnownVr(a, b));
}

std::string tagText(std::uint16_t group, std::uint16_t element) {
    char text[16];
    std::snprintf(text, sizeof text, "(%04X,%04X)", group, element);
    return text;
}

// Gives the deflated bytes in chunks, from the start again after rewind(); 0 at the end.
struct Source {
    std::function<std::size_t(std::uint8_t*, std::size_t)> read;
    std::function<void()> rewind;
};

// Inflates the whole stream, handing each chunk to `sink` (which returns false to stop). Ends at
// the stream's end, at a zlib error or when the input runs out: where DCMTK's inflating stream
// ends too, so what is handed on is what DCMTK can read.
void inflateAll(Source& source, const std::function<bool(const std::uint8_t*, std::size_t)>& sink) {
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {  // raw deflate, PS3.5 A.5
        throw Error("zlib cannot start inflating");
    }
    // The sink throws when the walk refuses an element: zlib's state is freed all the same.
    struct End {
        z_stream& z;
        ~End() { inflateEnd(&z); }
    } end{z};
    std::vector<std::uint8_t> in(64 << 10);
    std::vector<std::uint8_t> out(256 << 10);
    bool more = true;
    int rc = Z_OK;
    while (more && rc == Z_OK) {
        if (z.avail_in == 0) {
            const std::size_t n = source.read(in.data(), in.size());
            if (n == 0) {
                break;
            }
            z.next_in = in.data();
            z.avail_in = static_cast<uInt>(n);
        }
        z.next_out = out.data();
        z.avail_out = static_cast<uInt>(out.size());
        rc = inflate(&z, Z_NO_FLUSH);
        const std::size_t produced = out.size() - z.avail_out;
        if (produced > 0) {
            more = sink(out.data(), produced);
        }
        if (rc == Z_BUF_ERROR && z.avail_in != 0) {
            break;  // no progress possible
        }
        if (rc == Z_BUF_ERROR) {
            rc = Z_OK;  // needs more input
        }
    }
}

// Walks the element headers of the inflated dataset (explicit VR little endian) as they stream
// by: into sequences and items (their contents are elements), over values and encapsulated
// fragments, reading unknown VRs as DCMTK does. Stops where it could read the bytes otherwise
// than DCMTK (an undefined length outside sequences and Pixel Data, an unexpected delimiter):
// from there on DCMTK alone decides.
class HeaderWalk {
public:
    explicit HeaderWalk(std::uint64_t total) : total_(total) {}

    bool feed(const std::uint8_t* p, std::size_t n) {
        while (n > 0 && !stopped_) {
            if (skip_ > 0) {
                const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, n));
                skip_ -= k;
                p += k;
                n -= k;
                position_ += k;
                continue;
            }
            header_[size_++] = *p++;
            --n;
            ++position_;
            if (size_ == needed()) {
                element();
                size_ = 0;
            }
        }
        return !stopped_;
    }

private:
    std::size_t needed() const {
        if (size_ < 6 || u16(header_.data()) == 0xFFFE) {
            return 8;
        }
        return readsLongLength(header_[4], header_[5]) ? 12 : 8;
    }

    void element() {
        const std::uint8_t* h = header_.data();
        const std::uint16_t group = u16(h);
        const std::uint16_t element = u16(h + 2);
        const std::uint64_t left = total_ - position_;
        if (group == 0xFFFE) {
            const std::uint32_t length = u32(h + 4);
            if (element == 0xE000 && fragments_) {
                claim(group, element, length, left);
            } else if (element == 0xE0DD) {
                fragments_ = false;
            } else if (element != 0xE000 && element != 0xE00D) {
                stopped_ = true;
            }
            return;
        }
        if (fragments_) {
            stopped_ = true;
            return;
        }
        const bool isLong = readsLongLength(h[4], h[5]);
        const std::uint32_t length = isLong ? u32(h + 8) : u16(h + 6);
        if (h[4] == 'S' && h[5] == 'Q') {
            return;  // its items follow
        }
        if (length == kUndefinedLength && isLong) {
            if (group == 0x7FE0 && element == 0x0010 && (h[5] == 'B' || h[5] == 'W')) {
                fragments_ = true;  // encapsulated Pixel Data (PS3.5 A.4)
            } else {
                stopped_ = true;  // UN of undefined length: implicit VR inside (PS3.5 6.2.2)
            }
            return;
        }
        claim(group, element, length, left);
    }

    void claim(std::uint16_t group, std::uint16_t element, std::uint32_t length,
               std::uint64_t left) {
        if (length > left) {
            throw Error("deflated dataset: element " + tagText(group, element) + " claims " +
                        model::formatBytes(length) + ", more than the " + model::formatBytes(left) +
                        " left of the inflated dataset (PS3.5 A.5)");
        }
        skip_ = length;
    }

    std::uint64_t total_;
    std::uint64_t position_ = 0;
    std::uint64_t skip_ = 0;
    std::array<std::uint8_t, 12> header_{};
    std::size_t size_ = 0;
    bool fragments_ = false;
    bool stopped_ = false;
};

void check(Source& source, std::uint64_t budget) {
    std::uint64_t total = 0;
    inflateAll(source, [&](const std::uint8_t*, std::size_t n) {
        total += n;
        return total <= budget;
    });
    if (total > budget) {
        throw Error("deflated dataset inflates to more than the memory budget of " +
                    model::formatBytes(budget) + " (DCMTK holds all of it in memory)");
    }
    source.rewind();
    HeaderWalk walk(total);
    inflateAll(source, [&](const std::uint8_t* p, std::size_t n) { return walk.feed(p, n); });
}

}  // namespace

std::optional<std::size_t> deflatedDatasetOffset(const std::uint8_t* data, std::size_t size) {
    std::size_t pos = 0;
    if (size >= 132 && std::memcmp(data + 128, "DICM", 4) == 0) {
        pos = 132;
    } else if (size >= 4 && std::memcmp(data, "DICM", 4) == 0) {
        pos = 4;
    }
    bool deflated = false;
    bool any = false;
    // Group 0002 is always explicit VR little endian (PS3.10 7.1). DCMTK reads the meta header
    // for as long as its Group Length (0002,0000) says, whatever groups it finds there, and on
    // while group 0002 goes on; VRs it does not know it reads as in the dataset (two fuzzer
    // inputs slipped past a walk that stopped at a mutated group or an unknown VR).
    std::size_t groupEnd = 0;
    while (pos + 8 <= size && (pos < groupEnd || u16(data + pos) == 0x0002)) {
        any = true;
        const std::uint8_t* h = data + pos;
        std::size_t header = 8;
        std::uint64_t length = u16(h + 6);
        if (readsLongLength(h[4], h[5])) {
            if (pos + 12 > size) {
                return std::nullopt;
            }
            header = 12;
            length = u32(h + 8);
        }
        if (length == kUndefinedLength || pos + header + length > size) {
            return std::nullopt;
        }
        const bool meta = u16(h) == 0x0002;
        if (meta && u16(h + 2) == 0x0000 && length == 4 && groupEnd == 0) {
            groupEnd = pos + header + 4 + u32(h + header);
        }
        if (meta && u16(h + 2) == 0x0010) {  // (0002,0010) Transfer Syntax UID, padded with NUL
            std::string uid(reinterpret_cast<const char*>(h + header),
                            static_cast<std::size_t>(length));
            while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) {
                uid.pop_back();
            }
            deflated = uid == kDeflatedUid;
        }
        pos += header + static_cast<std::size_t>(length);
    }
    if (!any || !deflated) {
        return std::nullopt;
    }
    return pos;
}

void checkDeflatedDataset(const std::uint8_t* data, std::size_t size, std::size_t offset,
                          std::uint64_t budget) {
    std::size_t at = offset;
    Source source{[&](std::uint8_t* out, std::size_t capacity) {
                      const std::size_t n = std::min(capacity, size - std::min(at, size));
                      std::memcpy(out, data + at, n);
                      at += n;
                      return n;
                  },
                  [&] { at = offset; }};
    check(source, budget);
}

void checkDeflatedDataset(std::FILE* file, std::size_t offset, std::uint64_t budget) {
    auto seek = [&] {
        if (std::fseek(file, static_cast<long>(offset), SEEK_SET) != 0) {
            throw Error("cannot seek in the file");
        }
    };
    seek();
    Source source{
        [&](std::uint8_t* out, std::size_t capacity) { return std::fread(out, 1, capacity, file); },
        seek};
    check(source, budget);
}

}  // namespace dcmlens::dicom
