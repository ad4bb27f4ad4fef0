#include "dicom/signature.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/system_error.hpp"

namespace dcmlens::dicom {

namespace {

constexpr std::uint32_t kUndefinedLength = 0xFFFFFFFF;

// The VRs of PS3.5 Table 6.2-1; the second group has a 32-bit length after two reserved bytes
// in explicit VR encodings (PS3.5 7.1.2).
bool isVr(const char* vr, bool* longLength) {
    static const char* kShort[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO",
                                   "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"};
    static const char* kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                  "SV", "UC", "UN", "UR", "UT", "UV"};
    for (const char* v : kShort) {
        if (std::memcmp(vr, v, 2) == 0) {
            *longLength = false;
            return true;
        }
    }
    for (const char* v : kLong) {
        if (std::memcmp(vr, v, 2) == 0) {
            *longLength = true;
            return true;
        }
    }
    return false;
}

std::uint32_t read16(const std::uint8_t* p, bool bigEndian) {
    return bigEndian ? (std::uint32_t{p[0]} << 8 | p[1]) : (std::uint32_t{p[1]} << 8 | p[0]);
}

std::uint32_t read32(const std::uint8_t* p, bool bigEndian) {
    return bigEndian ? (read16(p, true) << 16 | read16(p + 2, true))
                     : (read16(p + 2, false) << 16 | read16(p, false));
}

bool plausibleGroup(std::uint32_t group) {
    return group == 0x0002 || group == 0x0004 || group == 0x0008;
}

bool fits(std::uint32_t length, std::size_t headerBytes, std::uint64_t fileSize) {
    return length == kUndefinedLength || headerBytes + std::uint64_t{length} <= fileSize;
}

// A first data element at byte 0 in one of the encodings DCMTK detects without a preamble.
bool startsWithElement(const std::uint8_t* head, std::size_t size, std::uint64_t fileSize) {
    if (size < 8) {
        return false;
    }
    for (bool bigEndian : {false, true}) {
        if (!plausibleGroup(read16(head, bigEndian))) {
            continue;
        }
        bool longLength = false;
        if (isVr(reinterpret_cast<const char*>(head + 4), &longLength)) {  // explicit VR
            if (!longLength && fits(read16(head + 6, bigEndian), 8, fileSize)) {
                return true;
            }
            if (longLength && size >= 12 && fits(read32(head + 8, bigEndian), 12, fileSize)) {
                return true;
            }
        }
        // Implicit VR is little endian only (PS3.5 A.1).
        if (!bigEndian && fits(read32(head + 4, false), 8, fileSize)) {
            return true;
        }
    }
    return false;
}

bool looksLikeText(const std::uint8_t* head, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) {
        const std::uint8_t c = head[i];
        if (!(c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7F) || c >= 0x80)) {
            return false;
        }
    }
    return size > 0;
}

}  // namespace

std::string whyNotDicom(const std::uint8_t* head, std::size_t size, std::uint64_t fileSize) {
    if (size >= 132 && std::memcmp(head + 128, "DICM", 4) == 0) {
        return {};
    }
    if (startsWithElement(head, size, fileSize)) {
        return {};
    }
    if (looksLikeText(head, size)) {
        return "text, no DICM prefix at byte 128";
    }
    return "no DICM prefix at byte 128, and the file does not start with a data element of "
           "group 0002, 0004 or 0008";
}

void requireDicomSignature(const std::string& path, std::uint64_t fileSize) {
    // O_NONBLOCK: a FIFO swapped in for the file since it was checked must not hang the open.
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        throw Error("cannot read: " + systemReason(errno));
    }
    std::uint8_t head[kSignatureBytes];
    std::size_t size = 0;
    while (size < sizeof head) {
        const ssize_t n = read(fd, head + size, sizeof head - size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int error = errno;
            close(fd);
            throw Error("cannot read: " + systemReason(error));
        }
        if (n == 0) {
            break;
        }
        size += static_cast<std::size_t>(n);
    }
    close(fd);
    const std::string reason = whyNotDicom(head, size, fileSize);
    if (!reason.empty()) {
        throw Error("not a DICOM file (" + reason + ")");
    }
}

}  // namespace dcmlens::dicom
