#include "input/plane_mapper.hpp"

#include <cmath>

namespace dcmlens::input {

namespace {

Outcome changedOutcome() {
    Outcome o;
    o.changed = true;
    return o;
}

}  // namespace

Outcome PlaneMapper::handle(const Event& e, viewer::ViewState& state, viewer::AppState& app,
                            const viewer::ViewContext& ctx,
                            const std::vector<viewer::Preset>& presets, double crosshairX,
                            double crosshairY) {
    viewer::PlaneState& plane = *state.plane;
    switch (e.type) {
        case Event::Type::Press: {
            startX_ = e.x;
            startY_ = e.y;
            startView_ = plane.view;
            if (e.button == Button::Middle || (e.button == Button::Left && space_)) {
                drag_ = Drag::Pan;
                return {};
            }
            if (e.button == Button::Right) {
                drag_ = Drag::Zoom;
                return {};
            }
            if (e.mods & kCtrl) {
                drag_ = Drag::Window;
                startCenter_ = state.center;
                startWidth_ = state.width;
                return {};
            }
            if (e.mods & kAlt) {
                drag_ = Drag::Rotate;
                startAngle_ = std::atan2(e.y - crosshairY, e.x - crosshairX);
                return {};
            }
            if (app.tool != viewer::Tool::WindowLevel) {
                // A measurement in patient mm: its points on this plane.
                drag_ = Drag::Measure;
                const pixel::Vec3 p = plane.view.patientAt(e.x, e.y);
                viewer::Measurement m;
                m.tool = app.tool;
                m.patient = {p, p};
                m.complete = false;
                m.frame = -1;  // on a plane, not a frame
                state.measurements.push_back(m);
                return changedOutcome();
            }
            drag_ = Drag::Crosshair;
            Outcome o;
            o.crosshair = plane.view.patientAt(e.x, e.y);
            return o;
        }
        case Event::Type::Release: {
            const Drag was = drag_;
            drag_ = Drag::None;
            if (was == Drag::Measure && !state.measurements.empty()) {
                viewer::Measurement& m = state.measurements.back();
                const double mm = pixel::length(m.patient[1] - m.patient[0]);
                if (mm < 2 * plane.view.mmPerPixel) {
                    state.measurements.pop_back();  // a click draws nothing
                } else {
                    m.complete = true;
                }
                return changedOutcome();
            }
            return {};
        }
        case Event::Type::Move: {
            switch (drag_) {
                case Drag::None:
                    return {};
                case Drag::Crosshair: {
                    Outcome o;
                    o.crosshair = plane.view.patientAt(e.x, e.y);
                    return o;
                }
                case Drag::Window:
                    viewer::dragWindow(state, startCenter_, startWidth_, e.x - startX_,
                                       e.y - startY_, ctx, (e.mods & kShift) != 0);
                    return changedOutcome();
                case Drag::Rotate: {
                    // Turning the crosshair by the angle the pointer swept around it; the app
                    // rotates the other planes (one step at a time from the last position).
                    const double angle = std::atan2(e.y - crosshairY, e.x - crosshairX);
                    Outcome o;
                    o.rotateRadians = angle - startAngle_;
                    startAngle_ = angle;
                    o.changed = o.rotateRadians != 0;
                    return o;
                }
                case Drag::Zoom:
                    // Up zooms in: a factor of e per 100 pixels, about the press point.
                    plane.view = pixel::zoomedAbout(startView_, startX_, startY_,
                                                    std::exp(-(e.y - startY_) / 100.0));
                    return changedOutcome();
                case Drag::Pan:
                    plane.view = pixel::panned(startView_, e.x - startX_, e.y - startY_);
                    return changedOutcome();
                case Drag::Measure:
                    state.measurements.back().patient[1] = plane.view.patientAt(e.x, e.y);
                    return changedOutcome();
            }
            return {};
        }
        case Event::Type::Wheel: {
            if (e.mods & kCtrl) {
                plane.view = pixel::zoomedAbout(plane.view, e.x, e.y, std::pow(1.1, e.wheel));
                return changedOutcome();
            }
            Outcome o;
            o.moveSteps = e.wheel > 0 ? -1 : 1;  // wheel towards the user: deeper
            return o;
        }
        case Event::Type::KeyDown: {
            const int step = e.key == Key::Up || e.key == Key::Left      ? -1
                             : e.key == Key::Down || e.key == Key::Right ? 1
                             : e.key == Key::PageUp                      ? -10
                             : e.key == Key::PageDown                    ? 10
                                                                         : 0;
            if (step != 0 && !(e.mods & kCtrl)) {
                Outcome o;
                o.moveSteps = step;
                return o;
            }
            if (e.key == Key::Space) {
                space_ = true;
                return {};
            }
            if (e.key == Key::F) {
                plane.fitted = false;  // fitted again at the viewport's size
                return changedOutcome();
            }
            break;
        }
        case Event::Type::KeyUp:
            if (e.key == Key::Space) {
                space_ = false;
            }
            break;
    }
    // Presets, invert, colormap, interpolation, cine, the app's requests: as for a slice.
    return keys_.handle(e, state, app, ctx, presets);
}

}  // namespace dcmlens::input
