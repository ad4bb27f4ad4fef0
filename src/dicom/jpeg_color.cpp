#include "dicom/jpeg_color.hpp"

#include <algorithm>
#include <cstring>
#include <set>

namespace dcmlens::dicom {

bool jpegHoldsYcc(const std::uint8_t* b, std::size_t n) {
    if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) {
        return false;
    }
    bool ycc = false;
    std::size_t i = 2;
    while (i + 4 <= n && b[i] == 0xFF) {
        const std::uint8_t marker = b[i + 1];
        const std::size_t length = (static_cast<std::size_t>(b[i + 2]) << 8) | b[i + 3];
        if (marker == 0xE0 && i + 9 <= n && std::memcmp(b + i + 4, "JFIF\0", 5) == 0) {
            ycc = true;
        }
        if (marker == 0xEE && i + 16 <= n && std::memcmp(b + i + 4, "Adobe", 5) == 0) {
            return b[i + 15] != 0;  // the transform flag decides outright
        }
        const bool startOfFrame =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (startOfFrame && i + 10 <= n) {
            const int components = b[i + 9];
            std::set<int> sampling;
            for (int k = 0; k < components && i + 11 + 3 * k < n; ++k) {
                sampling.insert(b[i + 11 + 3 * k]);
            }
            ycc = ycc || sampling.size() > 1;
        }
        if (marker == 0xDA) {
            break;
        }
        i += 2 + length;
    }
    return ycc;
}

void jpegYccToRgb(std::uint8_t* p, std::size_t pixels) {
    constexpr int kScaleBits = 16;
    constexpr long kHalf = 1L << (kScaleBits - 1);
    auto fix = [](double x) { return static_cast<long>(x * (1L << kScaleBits) + 0.5); };
    static const auto tables = [&] {
        struct {
            int crR[256], cbB[256];
            long crG[256], cbG[256];
        } t{};
        for (int i = 0; i < 256; ++i) {
            const long x = i - 128;
            t.crR[i] = static_cast<int>((fix(1.40200) * x + kHalf) >> kScaleBits);
            t.cbB[i] = static_cast<int>((fix(1.77200) * x + kHalf) >> kScaleBits);
            t.crG[i] = -fix(0.71414) * x;
            t.cbG[i] = -fix(0.34414) * x + kHalf;
        }
        return t;
    }();
    for (std::size_t k = 0; k < pixels; ++k, p += 3) {
        const int y = p[0], cb = p[1], cr = p[2];
        const int r = y + tables.crR[cr];
        const int g = y + static_cast<int>((tables.cbG[cb] + tables.crG[cr]) >> kScaleBits);
        const int b = y + tables.cbB[cb];
        p[0] = static_cast<std::uint8_t>(std::clamp(r, 0, 255));
        p[1] = static_cast<std::uint8_t>(std::clamp(g, 0, 255));
        p[2] = static_cast<std::uint8_t>(std::clamp(b, 0, 255));
    }
}

}  // namespace dcmlens::dicom
