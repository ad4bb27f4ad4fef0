#include "pixel/probe.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "pixel/color.hpp"
#include "pixel/colormap.hpp"

namespace dcmlens::pixel {

PixelProbe probePixel(const model::Instance& in, const std::array<std::int64_t, 3>& samples,
                      const GrayPipeline* gray, const std::string& colormap) {
    PixelProbe p;
    p.stored = samples[0];
    if (in.pixel.samplesPerPixel > 1) {
        p.kind = PixelProbe::Kind::Colour;
        p.samples = samples;
        std::array<std::int64_t, 3> rgb = samples;
        const model::Photometric ph = in.decodedPhotometric;
        if (ph == model::Photometric::YbrFull || ph == model::Photometric::YbrFull422 ||
            ph == model::Photometric::YbrPartial422) {
            rgb = ybrToRgb(rgb[0], rgb[1], rgb[2], in.pixel.bitsStored,
                           ph == model::Photometric::YbrFull);
            p.converted = rgb;
        }
        for (std::size_t c = 0; c < 3; ++c) {
            p.rgb[c] = colorTo8Bit(rgb[c], in.pixel.bitsStored);
        }
        return p;
    }
    if (in.pixel.photometric == model::Photometric::PaletteColor) {
        if (!in.palette) {
            throw Error("PALETTE COLOR image without complete palette tables (0028,1101-1203)");
        }
        p.kind = PixelProbe::Kind::Palette;
        p.rgb = paletteLookup(*in.palette, p.stored);
        return p;
    }
    if (gray == nullptr) {
        throw Error("a greyscale probe needs the frame's pipeline");
    }
    const GrayStages st = gray->stages(p.stored);
    p.modality = st.modality;
    p.voi = st.voi;
    p.output = st.output;
    p.inverted = gray->invert;
    if (const model::LutPtr& lut = gray->modality.lut()) {
        // Values outside the table take its first or last entry (PS3.3 C.11.1.1).
        p.modalityLutEntry = std::clamp<std::int64_t>(
            p.stored - lut->firstMapped, 0, static_cast<std::int64_t>(lut->entries.size()) - 1);
    }
    const Colormap* map = findColormap(colormap);
    if (map == nullptr) {
        throw Error("unknown colormap '" + colormap + "'");
    }
    const auto& c = map->table[static_cast<std::size_t>(st.output)];
    p.rgb = {c[0], c[1], c[2]};
    return p;
}

}  // namespace dcmlens::pixel
