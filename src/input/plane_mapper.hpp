#pragma once

#include "input/input_mapper.hpp"

namespace dcmlens::input {

// The bindings of an MPR viewport (one that shows a plane of a volume), after RadiAnt, Horos and
// Slicer: left click or drag sets the crosshair (every MPR viewport's planes pass through it),
// Ctrl+left drag windows, Alt+left drag turns the crosshair (the other planes rotate about this
// one's normal: oblique), the wheel or Up/Down/PageUp/PageDown moves this plane along its normal
// (one slab sample, ten), Ctrl+wheel or right drag zooms about the cursor, middle drag or
// Space+left drag pans, F fits. With a measuring tool the left drag measures in patient mm.
// Every other key is the 2D viewport's (presets, invert, colormap, interpolation, requests).
class PlaneMapper {
public:
    // `crosshairX/Y`: where the crosshair is on this viewport's screen (for turning it).
    Outcome handle(const Event& event, viewer::ViewState& state, viewer::AppState& app,
                   const viewer::ViewContext& ctx, const std::vector<viewer::Preset>& presets,
                   double crosshairX, double crosshairY);
    bool dragging() const { return drag_ != Drag::None; }

private:
    enum class Drag { None, Crosshair, Window, Rotate, Zoom, Pan, Measure };
    Drag drag_ = Drag::None;
    double startX_ = 0, startY_ = 0;
    double startCenter_ = 0, startWidth_ = 1;
    double startAngle_ = 0;
    pixel::PlaneView startView_;
    bool space_ = false;
    InputMapper keys_;  // the keys a plane shares with a slice
};

}  // namespace dcmlens::input
