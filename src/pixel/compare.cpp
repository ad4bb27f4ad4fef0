#include "pixel/compare.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "pixel/modality.hpp"

namespace dcmlens::pixel {

namespace {

bool isGreyscale(const model::Instance& in, const model::PixelBuffer& buffer) {
    return buffer.samples() == 1 && in.pixel.photometric != model::Photometric::PaletteColor;
}

// Fills the statistics from the values.
void summarise(FrameDifference& d) {
    d.pixels = static_cast<std::size_t>(d.width) * static_cast<std::size_t>(d.height);
    double sum = 0;
    double sum2 = 0;
    const auto samples = static_cast<std::size_t>(d.samples);
    for (std::size_t p = 0; p < d.pixels; ++p) {
        bool differs = false;
        for (std::size_t s = 0; s < samples; ++s) {
            const double v = d.values[p * samples + s];
            differs |= v != 0;
            d.maxAbs = std::max(d.maxAbs, std::abs(v));
            sum += v;
            sum2 += v * v;
        }
        d.differing += differs ? 1 : 0;
    }
    const double n = static_cast<double>(std::max<std::size_t>(1, d.values.size()));
    d.mean = sum / n;
    d.rms = std::sqrt(sum2 / n);
}

std::string sizeOf(int w, int h, int s) {
    return std::to_string(w) + "x" + std::to_string(h) + (s > 1 ? "x" + std::to_string(s) : "");
}

}  // namespace

FrameDifference differenceOf(const model::Instance& a, const FrameRef& fa, const model::Instance& b,
                             const FrameRef& fb) {
    const model::PixelBuffer& pa = fa.buffer;
    const model::PixelBuffer& pb = fb.buffer;
    if (pa.width() != pb.width() || pa.height() != pb.height() || pa.samples() != pb.samples()) {
        throw Error("cannot compare images of different sizes: " +
                    sizeOf(pa.width(), pa.height(), pa.samples()) + " and " +
                    sizeOf(pb.width(), pb.height(), pb.samples()));
    }
    FrameDifference d;
    d.width = pa.width();
    d.height = pa.height();
    d.samples = pa.samples();
    const bool modality = isGreyscale(a, pa) && isGreyscale(b, pb);
    d.compared = modality ? "modality values" : "samples";
    const ModalityTransform ma(a.modalityFor(fa.instanceFrame), a.pixel);
    const ModalityTransform mb(b.modalityFor(fb.instanceFrame), b.pixel);
    d.values.reserve(static_cast<std::size_t>(d.width) * d.height * d.samples);
    for (int y = 0; y < d.height; ++y) {
        for (int x = 0; x < d.width; ++x) {
            for (int s = 0; s < d.samples; ++s) {
                const std::int64_t va = pa.at(fa.bufferFrame, x, y, s);
                const std::int64_t vb = pb.at(fb.bufferFrame, x, y, s);
                d.values.push_back(modality ? mb.apply(vb) - ma.apply(va)
                                            : static_cast<double>(vb - va));
            }
        }
    }
    summarise(d);
    return d;
}

FrameDifference differenceOf(const Image& a, const Image& b) {
    if (a.width != b.width || a.height != b.height || a.channels != b.channels) {
        throw Error(
            "cannot compare images of different sizes: " + sizeOf(a.width, a.height, a.channels) +
            " and " + sizeOf(b.width, b.height, b.channels));
    }
    FrameDifference d;
    d.width = a.width;
    d.height = a.height;
    d.samples = a.channels;
    d.compared = "8-bit output";
    d.values.resize(a.data.size());
    for (std::size_t i = 0; i < a.data.size(); ++i) {
        d.values[i] = static_cast<double>(b.data[i]) - static_cast<double>(a.data[i]);
    }
    summarise(d);
    return d;
}

Image differenceImage(const FrameDifference& d, double scale) {
    Image out(d.width, d.height, 3);
    if (scale <= 0) {
        scale = d.maxAbs > 0 ? d.maxAbs : 1;
    }
    const auto samples = static_cast<std::size_t>(d.samples);
    for (int y = 0; y < d.height; ++y) {
        for (int x = 0; x < d.width; ++x) {
            const std::size_t p = static_cast<std::size_t>(y) * d.width + x;
            double v = 0;
            for (std::size_t s = 0; s < samples; ++s) {
                const double e = d.values[p * samples + s];
                v = std::abs(e) > std::abs(v) ? e : v;
            }
            std::uint8_t* rgb = out.pixel(x, y);
            if (v == 0) {
                continue;  // black: equal
            }
            // Any difference is visible: brightness from 1/4 (the smallest) to full.
            const double t = 0.25 + 0.75 * std::min(1.0, std::abs(v) / scale);
            const auto full = static_cast<std::uint8_t>(std::lround(255 * t));
            const auto half = static_cast<std::uint8_t>(std::lround(255 * t * t * t));
            if (v > 0) {  // B brighter: red towards yellow
                rgb[0] = full;
                rgb[1] = half;
            } else {  // B darker: blue towards cyan
                rgb[2] = full;
                rgb[1] = half;
            }
        }
    }
    return out;
}

}  // namespace dcmlens::pixel
