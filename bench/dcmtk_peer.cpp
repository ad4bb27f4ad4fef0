// The DCMTK side of bench/peers.py (a peer measured in the same run, not part of dcmlens):
//   dcmtk_peer load FILE...        DicomImage for each file (load, decode, modality): total ms
//   dcmtk_peer window FILE STEPS   setWindow + getOutputData(8) per step: median and p99 ms
#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmjpeg/djdecode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

using Clock = std::chrono::steady_clock;

static double ms(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: dcmtk_peer load FILE... | window FILE STEPS\n");
        return 2;
    }
    DJDecoderRegistration::registerCodecs();
    if (std::strcmp(argv[1], "load") == 0) {
        const auto start = Clock::now();
        unsigned long pixels = 0;
        for (int i = 2; i < argc; ++i) {
            DicomImage image(argv[i]);
            if (image.getStatus() != EIS_Normal) {
                std::fprintf(stderr, "%s: %s\n", argv[i], DicomImage::getString(image.getStatus()));
                return 1;
            }
            pixels += image.getWidth() * image.getHeight();
        }
        std::printf("{\"files\": %d, \"pixels\": %lu, \"ms\": %.3f}\n", argc - 2, pixels,
                    ms(start, Clock::now()));
        return 0;
    }
    if (std::strcmp(argv[1], "window") == 0 && argc == 4) {
        DicomImage image(argv[2]);
        if (image.getStatus() != EIS_Normal) {
            std::fprintf(stderr, "%s: %s\n", argv[2], DicomImage::getString(image.getStatus()));
            return 1;
        }
        const int steps = std::atoi(argv[3]);
        std::vector<double> times;
        for (int i = 1; i <= steps; ++i) {
            const auto t = Clock::now();
            image.setWindow(8000 + 10.0 * i, 16000 + 20.0 * i);
            const void* out = image.getOutputData(8);
            times.push_back(ms(t, Clock::now()));
            if (out == nullptr) {
                return 1;
            }
        }
        std::sort(times.begin(), times.end());
        std::printf("{\"steps\": %d, \"median_ms\": %.3f, \"p99_ms\": %.3f}\n", steps,
                    times[times.size() / 2],
                    times[std::min(times.size() - 1, times.size() * 99 / 100)]);
        return 0;
    }
    std::fprintf(stderr, "usage: dcmtk_peer load FILE... | window FILE STEPS\n");
    return 2;
}
