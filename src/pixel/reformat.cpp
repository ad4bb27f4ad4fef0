#include "pixel/reformat.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "pixel/colormap.hpp"

namespace dcmlens::pixel {

namespace {

constexpr double kOne = 65536.0;

// The products of FixedLinear::at (shaders/image.frag: fixedTerm).
std::uint32_t term(std::uint32_t n, std::int32_t hi, std::uint32_t lo) {
    return n * static_cast<std::uint32_t>(hi) + ((n * lo + 32768u) >> 16);
}

}  // namespace

FixedLinear FixedLinear::make(double base, double perX, double perY, double perSample) {
    FixedLinear f;
    auto split = [](double c, std::int32_t& hi, std::uint32_t& lo) {
        const double scaled = c * kOne;
        const double h = std::floor(scaled);
        hi = static_cast<std::int32_t>(h);
        lo = static_cast<std::uint32_t>(std::clamp(std::floor((scaled - h) * kOne), 0.0, kOne - 1));
    };
    // Sampling refuses steps beyond 64 voxels (VolumeGeometry): they fit with room to spare.
    split(perX, f.xHi, f.xLo);
    split(perY, f.yHi, f.yLo);
    split(perSample, f.jHi, f.jLo);
    // Only the value modulo 2^32 matters: a base far outside the volume wraps, and the points
    // where that matters fail the coarse test first.
    const double b = std::clamp(std::round(base * kOne), -4.0e18, 4.0e18);
    f.base = static_cast<std::uint32_t>(static_cast<std::uint64_t>(static_cast<std::int64_t>(b)));
    f.baseD = base;
    f.xD = perX;
    f.yD = perY;
    f.jD = perSample;
    return f;
}

std::int32_t FixedLinear::at(std::uint32_t x, std::uint32_t y, std::uint32_t j) const {
    const std::uint32_t v = base + term(x, xHi, xLo) + term(y, yHi, yLo) + term(j, jHi, jLo);
    return static_cast<std::int32_t>(v);  // two's complement, as GLSL's int(uint)
}

bool needsCoarseTest(const PlaneSampling& s) {
    // The coordinates are linear: their extremes are at the corners of (x, y, j).
    const double xs[2] = {0, static_cast<double>(std::max(0, s.width - 1))};
    const double ys[2] = {0, static_cast<double>(std::max(0, s.height - 1))};
    const double js[2] = {0, static_cast<double>(std::max(0, s.samples - 1))};
    for (const FixedLinear* f : {&s.column, &s.row, &s.slice}) {
        for (double x : xs) {
            for (double y : ys) {
                for (double j : js) {
                    if (!(std::abs(f->approx(x, y, j)) < 32000)) {
                        return true;
                    }
                }
            }
        }
    }
    return false;
}

const char* projectionName(Projection p) {
    switch (p) {
        case Projection::None:
            return "none";
        case Projection::Mip:
            return "mip";
        case Projection::MinIp:
            return "minip";
        case Projection::Mean:
            return "mean";
    }
    return "none";
}

std::optional<Projection> parseProjection(const std::string& name) {
    for (auto p : {Projection::None, Projection::Mip, Projection::MinIp, Projection::Mean}) {
        if (name == projectionName(p)) {
            return p;
        }
    }
    return std::nullopt;
}

namespace {

// One sample, the shader's sampleVolume() step by step. `fetch(k, column, row)` gives the
// modality value of a voxel of slice k, or nullopt when that slice is not loaded.
template <class Fetch>
VolumeSample sampleCore(const VolumeGrid& g, const PlaneSampling& s, int x, int y, int j,
                        bool linear, Fetch&& fetch) {
    VolumeSample out;
    const double ax = s.column.approx(x, y, j);
    const double ay = s.row.approx(x, y, j);
    const double az = s.slice.approx(x, y, j);
    if (!(ax >= g.coarseLow[0] && ax <= g.coarseHigh[0] && ay >= g.coarseLow[1] &&
          ay <= g.coarseHigh[1] && az >= g.coarseLow[2] && az <= g.coarseHigh[2])) {
        return out;
    }
    const auto ux = static_cast<std::uint32_t>(x);
    const auto uy = static_cast<std::uint32_t>(y);
    const auto uj = static_cast<std::uint32_t>(j);
    const std::int32_t vc = s.column.at(ux, uy, uj);
    const std::int32_t vr = s.row.at(ux, uy, uj);
    const std::int32_t vs = s.slice.at(ux, uy, uj);
    const int last = g.slices - 1;

    // The slices involved: k0 (always) and k1 with weight t (when t > 0); the nearest, ks; and
    // each one's in-plane position.
    int k0 = 0;
    int k1 = 0;
    int ks = 0;
    double t = 0;
    std::int32_t c0 = vc, r0 = vr, c1 = vc, r1 = vr, cs = vc, rs = vr;
    if (!g.uneven) {
        ks = nearestFixed(vs);
        if (ks < 0 || ks > last) {
            return out;
        }
        const std::int32_t i = floorFixed(vs);
        k0 = std::clamp(i, 0, last);
        k1 = std::clamp(i + 1, 0, last);
        t = static_cast<double>(static_cast<std::uint32_t>(vs) & 0xFFFFu) / kOne;
    } else {
        if (vs < g.sliceLow || vs >= g.sliceHigh) {
            return out;
        }
        const int bucketCount = static_cast<int>(g.buckets.size());
        const int b = vs < 0 ? 0 : std::min(vs >> 15, bucketCount - 1);
        int k = g.buckets[static_cast<std::size_t>(b)];
        if (k < last && vs >= g.table[static_cast<std::size_t>(k + 1)].position) {
            ++k;
        }
        const auto& lower = g.table[static_cast<std::size_t>(k)];
        k0 = k;
        k1 = k;
        ks = k;
        if (k < last) {
            const auto& upper = g.table[static_cast<std::size_t>(k + 1)];
            const std::int32_t gap = upper.position - lower.position;
            const std::int32_t d = vs - lower.position;
            if (d >= gap - (gap >> 1)) {
                ks = k + 1;
            }
            if (d > 0) {
                k1 = k + 1;
                // In float, as the shader: only a weight (linear), never a voxel choice.
                t = static_cast<double>(static_cast<float>(d) / static_cast<float>(gap));
            }
        }
        const auto& a = g.table[static_cast<std::size_t>(k0)];
        const auto& b1 = g.table[static_cast<std::size_t>(k1)];
        const auto& n = g.table[static_cast<std::size_t>(ks)];
        c0 = vc - a.column;
        r0 = vr - a.row;
        c1 = vc - b1.column;
        r1 = vr - b1.row;
        cs = vc - n.column;
        rs = vr - n.row;
    }
    const int nc = nearestFixed(cs);
    const int nr = nearestFixed(rs);
    if (nc < 0 || nc >= g.columns || nr < 0 || nr >= g.rows) {
        return out;
    }
    out.slice = ks;
    out.column = nc;
    out.row = nr;
    if (!linear) {
        const auto m = fetch(ks, nc, nr);
        if (!m) {
            out.state = VolumeSample::State::Missing;
            return out;
        }
        out.state = VolumeSample::State::Value;
        out.value = *m;
        return out;
    }
    // Bilinear in a slice at (c, r), edges repeated, as the 2D path (pixel/render.cpp).
    bool missing = false;
    auto bilinear = [&](int k, std::int32_t c, std::int32_t r) {
        const int x0 = floorFixed(c);
        const int y0 = floorFixed(r);
        const double fx = static_cast<double>(static_cast<std::uint32_t>(c) & 0xFFFFu) / kOne;
        const double fy = static_cast<double>(static_cast<std::uint32_t>(r) & 0xFFFFu) / kOne;
        const int xa = std::clamp(x0, 0, g.columns - 1);
        const int xb = std::clamp(x0 + 1, 0, g.columns - 1);
        const int ya = std::clamp(y0, 0, g.rows - 1);
        const int yb = std::clamp(y0 + 1, 0, g.rows - 1);
        const auto m00 = fetch(k, xa, ya);
        if (!m00) {
            missing = true;
            return 0.0;
        }
        const double top = *m00 * (1 - fx) + *fetch(k, xb, ya) * fx;
        const double bottom = *fetch(k, xa, yb) * (1 - fx) + *fetch(k, xb, yb) * fx;
        return top * (1 - fy) + bottom * fy;
    };
    const double m0 = bilinear(k0, c0, r0);
    double m = m0;
    if (!missing && t > 0) {
        const double m1 = bilinear(k1, c1, r1);
        m = m0 * (1 - t) + m1 * t;
    }
    if (missing) {
        out.state = VolumeSample::State::Missing;
        return out;
    }
    out.state = VolumeSample::State::Value;
    out.value = m;
    return out;
}

auto sliceFetch(const std::vector<VolumeSlice>& slices) {
    return [&slices](int k, int c, int r) -> std::optional<double> {
        const VolumeSlice& s = slices[static_cast<std::size_t>(k)];
        if (s.buffer == nullptr) {
            return std::nullopt;
        }
        return s.modality.apply(s.buffer->at(s.frame, c, r, 0));
    };
}

template <class Fetch>
PlaneValue projectCore(const VolumeGrid& g, const PlaneSampling& s, int x, int y, bool linear,
                       Fetch&& fetch) {
    PlaneValue out;
    double sum = 0;
    for (int j = 0; j < s.samples; ++j) {
        const VolumeSample v = sampleCore(g, s, x, y, j, linear, fetch);
        if (v.state == VolumeSample::State::Outside) {
            continue;
        }
        if (v.state == VolumeSample::State::Missing) {
            out.state = VolumeSample::State::Missing;
            out.at = v;
            out.source = j;
            return out;
        }
        const bool first = out.count == 0;
        ++out.count;
        sum += v.value;
        bool take = first;
        switch (s.projection) {
            case Projection::Mip:
                take = first || v.value > out.value;
                break;
            case Projection::MinIp:
                take = first || v.value < out.value;
                break;
            case Projection::None:
            case Projection::Mean:
                take = first || j == s.planeSample;
                break;
        }
        if (take) {
            out.value = v.value;
            out.source = j;
            out.at = v;
        }
    }
    if (out.count == 0) {
        return out;
    }
    out.state = VolumeSample::State::Value;
    if (s.projection == Projection::Mean) {
        out.value = sum / out.count;
    }
    return out;
}

void checkSlices(const VolumeGrid& g, const std::vector<VolumeSlice>& slices) {
    if (static_cast<int>(slices.size()) != g.slices) {
        throw Error("the volume has " + std::to_string(g.slices) + " slices, " +
                    std::to_string(slices.size()) + " given");
    }
    for (const VolumeSlice& s : slices) {
        if (s.buffer != nullptr &&
            (s.buffer->width() != g.columns || s.buffer->height() != g.rows ||
             s.buffer->samples() != 1 || s.frame < 0 || s.frame >= s.buffer->frames())) {
            throw Error("a slice's stored values do not fit the volume");
        }
    }
}

}  // namespace

VolumeSample sampleVolume(const VolumeGrid& grid, const std::vector<VolumeSlice>& slices,
                          const PlaneSampling& sampling, int x, int y, int j, bool linear) {
    checkSlices(grid, slices);
    return sampleCore(grid, sampling, x, y, j, linear, sliceFetch(slices));
}

PlaneValue planeValue(const VolumeGrid& grid, const std::vector<VolumeSlice>& slices,
                      const PlaneSampling& sampling, int x, int y, bool linear) {
    checkSlices(grid, slices);
    return projectCore(grid, sampling, x, y, linear, sliceFetch(slices));
}

std::vector<int> slicesRead(const VolumeGrid& grid, const PlaneSampling& sampling, int x, int y,
                            bool linear) {
    std::vector<int> read;
    auto record = [&read](int k, int, int) -> std::optional<double> {
        if (std::find(read.begin(), read.end(), k) == read.end()) {
            read.push_back(k);
        }
        return 0.0;
    };
    projectCore(grid, sampling, x, y, linear, record);
    std::sort(read.begin(), read.end());
    return read;
}

PlaneImage renderPlane(const VolumeGrid& grid, const std::vector<VolumeSlice>& slices,
                       const PlaneSampling& sampling, const GrayPipeline& gray,
                       const std::string& colormap, bool linear) {
    checkSlices(grid, slices);
    const Colormap* map = findColormap(colormap);
    if (map == nullptr) {
        throw Error("unknown colormap '" + colormap + "'");
    }
    const bool grey = map->isGray();
    PlaneImage out;
    out.image = Image(sampling.width, sampling.height, grey ? 1 : 3);
    out.missing.assign(static_cast<std::size_t>(sampling.width) * sampling.height, 0);
    const auto fetch = sliceFetch(slices);
    const auto& c = sampling.cover;
    for (int y = std::max(0, c[1]); y < std::min(sampling.height, c[3]); ++y) {
        for (int x = std::max(0, c[0]); x < std::min(sampling.width, c[2]); ++x) {
            const PlaneValue v = projectCore(grid, sampling, x, y, linear, fetch);
            if (v.state == VolumeSample::State::Missing) {
                out.missing[static_cast<std::size_t>(y) * sampling.width + x] = 1;
                ++out.missingCount;
                continue;
            }
            if (v.state == VolumeSample::State::Outside) {
                continue;
            }
            const int level = quantise(gray.voi.apply(v.value, gray.invert));
            std::uint8_t* o = out.image.pixel(x, y);
            if (grey) {
                o[0] = static_cast<std::uint8_t>(level);
            } else {
                std::copy_n(map->table[static_cast<std::size_t>(level)].begin(), 3, o);
            }
        }
    }
    return out;
}

GrayPipeline makePlanePipeline(const model::Instance& reference, int frame,
                               const DisplayOptions& options,
                               const std::optional<ValueRange>& volumeRange,
                               const std::optional<model::Window>& percentile) {
    using Stage = DisplayOptions::Stage;
    if (options.stage != Stage::Output && options.stage != Stage::Voi) {
        throw Error(std::string("the ") + stageName(options.stage) +
                    " stage is shown for 2D images only");
    }
    DisplayOptions o = options;
    using Mode = DisplayOptions::WindowMode;
    const bool fileMinMax =
        o.windowMode == Mode::FileDefault && reference.windowsFor(frame).empty() && !o.voiLutIndex;
    if (o.windowMode == Mode::MinMax || fileMinMax) {
        if (volumeRange) {
            const model::Window w = minMaxWindow(*volumeRange);
            o.windowMode = Mode::Explicit;
            o.center = w.center;
            o.width = w.width;
            o.voiFunction = model::VoiFunction::Linear;  // a min-max window is LINEAR
        } else {
            o.windowMode = Mode::None;
        }
    } else if (o.windowMode == Mode::Percentile) {
        if (!percentile) {
            throw Error("no percentile window for this volume");
        }
        o.windowMode = Mode::Explicit;
        o.center = percentile->center;
        o.width = percentile->width;
        o.voiFunction = model::VoiFunction::Linear;
    }
    const model::PixelBuffer none;  // only min-max and percentile windows read values
    return makeGrayPipeline(reference, {none, 0, frame}, o);
}

PlaneProbe probePlane(const VolumeGrid& grid, const std::vector<VolumeSlice>& slices,
                      const PlaneSampling& sampling, const PlaneView& view,
                      const GrayPipeline& gray, const std::string& colormap, bool linear, int x,
                      int y) {
    checkSlices(grid, slices);
    const Colormap* map = findColormap(colormap);
    if (map == nullptr) {
        throw Error("unknown colormap '" + colormap + "'");
    }
    PlaneProbe p;
    p.position = view.patientAt(x + 0.5, y + 0.5);
    p.projection = sampling.projection;
    if (x < 0 || y < 0 || x >= sampling.width || y >= sampling.height) {
        return p;
    }
    const PlaneValue v = projectCore(grid, sampling, x, y, linear, sliceFetch(slices));
    p.state = v.state;
    p.samples = v.count;
    if (v.state == VolumeSample::State::Outside) {
        return p;
    }
    p.slice = v.at.slice;
    p.column = v.at.column;
    p.row = v.at.row;
    if (v.state == VolumeSample::State::Missing) {
        return p;
    }
    const VolumeSlice& s = slices[static_cast<std::size_t>(p.slice)];
    p.stored = s.buffer->at(s.frame, p.column, p.row, 0);
    p.modality = s.modality.apply(p.stored);
    p.value = v.value;
    p.voi = gray.voi.apply(v.value, gray.invert);
    p.output = quantise(p.voi);
    const auto& c = map->table[static_cast<std::size_t>(p.output)];
    p.rgb = {c[0], c[1], c[2]};
    return p;
}

}  // namespace dcmlens::pixel
