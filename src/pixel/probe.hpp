#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "model/instance.hpp"
#include "pixel/gray_pipeline.hpp"

namespace dcmlens::pixel {

// Every stage of one pixel through the display pipeline: what `dcmlens probe` prints and the
// viewer's Probe tab shows, computed by the functions that render.
struct PixelProbe {
    enum class Kind { Grey, Palette, Colour };
    Kind kind = Kind::Grey;
    std::int64_t stored = 0;                // greyscale value, palette index, colour sample 0
    std::array<std::int64_t, 3> samples{};  // colour: the samples as decoded
    std::optional<std::array<std::int64_t, 3>> converted;  // colour: after YBR -> RGB
    double modality = 0;                                   // greyscale: after step 1
    std::optional<std::int64_t> modalityLutEntry;          // the Modality LUT entry used
    double voi = 0;  // greyscale: VOI and polarity, before quantisation
    int output = 0;  // greyscale: the 8-bit level
    bool inverted = false;
    std::array<int, 3> rgb{};  // on screen: the level's colormap colour, the palette or colour RGB
};

// The stages of a pixel whose stored values are `samples` (only sample 0 for greyscale and
// palette images). `gray` is the greyscale pipeline of the frame (null for other images);
// `colormap` names the colormap of greyscale output. Throws dcmlens::Error for a PALETTE COLOR
// image without complete palette tables or an unknown colormap.
PixelProbe probePixel(const model::Instance& instance, const std::array<std::int64_t, 3>& samples,
                      const GrayPipeline* gray, const std::string& colormap);

}  // namespace dcmlens::pixel
