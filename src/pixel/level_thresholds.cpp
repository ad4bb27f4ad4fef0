#include "pixel/level_thresholds.hpp"

#include <limits>

namespace dcmlens::pixel {

LevelThresholds levelThresholds(const GrayPipeline& p) {
    auto level = [&](double m) { return quantise(p.voi.apply(m, p.invert)); };
    // Every modality value the image can produce lies in [absMin, absMax].
    const double a = p.modality.absMinimum() - 1;
    const double b = p.modality.absMaximum() + 1;
    LevelThresholds t;
    t.falling = level(a) > level(b);
    constexpr double inf = std::numeric_limits<double>::infinity();
    for (int k = 1; k < 256; ++k) {
        // Bisect for the first m whose level differs from level(a)'s side of k.
        auto reached = [&](double m) { return t.falling ? level(m) < k : level(m) >= k; };
        if (reached(a)) {
            t.at[k] = -inf;
            continue;
        }
        if (!reached(b)) {
            t.at[k] = inf;
            continue;
        }
        double lo = a;
        double hi = b;
        for (int i = 0; i < 200; ++i) {
            const double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) {
                break;
            }
            (reached(mid) ? hi : lo) = mid;
        }
        t.at[k] = hi;
    }
    return t;
}

int levelFromThresholds(const LevelThresholds& t, double m) {
    int lo = 0;
    int hi = 255;
    while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        const bool atLeast = t.falling ? m < t.at[mid] : m >= t.at[mid];
        if (atLeast) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

}  // namespace dcmlens::pixel
