#include "input/input_mapper.hpp"

#include <algorithm>
#include <cmath>

#include "pixel/colormap.hpp"

namespace dcmlens::input {

using viewer::ViewerState;

bool InputMapper::handle(const Event& e, ViewerState& state, const viewer::ViewContext& ctx,
                         const std::vector<viewer::Preset>& presets) {
    switch (e.type) {
        case Event::Type::Press:
            startX_ = lastX_ = e.x;
            startY_ = lastY_ = e.y;
            if (e.button == Button::Middle || (e.button == Button::Left && space_)) {
                drag_ = Drag::Pan;
                startPanX_ = state.panX;
                startPanY_ = state.panY;
            } else if (e.button == Button::Left && state.tool != viewer::Tool::WindowLevel) {
                drag_ = Drag::Measure;
                double ix = 0;
                double iy = 0;
                viewer::viewportToImage(state, ctx, e.x, e.y, ix, iy);
                state.measurement = viewer::Measurement{state.tool, ix, iy, ix, iy, state.frame};
                return true;
            } else if (e.button == Button::Left) {
                drag_ = Drag::Window;
                startCenter_ = state.center;
                startWidth_ = state.width;
            } else {
                drag_ = Drag::Zoom;
                zoomStart_ = state;
            }
            return false;
        case Event::Type::Release:
            drag_ = Drag::None;
            return false;
        case Event::Type::Move: {
            const double dx = e.x - lastX_;
            const double dy = e.y - lastY_;
            lastX_ = e.x;
            lastY_ = e.y;
            switch (drag_) {
                case Drag::None:
                    return false;
                case Drag::Measure: {
                    double ix = 0;
                    double iy = 0;
                    viewer::viewportToImage(state, ctx, e.x, e.y, ix, iy);
                    state.measurement->x1 = ix;
                    state.measurement->y1 = iy;
                    return true;
                }
                case Drag::Window:
                    viewer::dragWindow(state, startCenter_, startWidth_, e.x - startX_,
                                       e.y - startY_, ctx, (e.mods & kShift) != 0);
                    return true;
                case Drag::Pan:
                    // From the press point, so that no motion is lost between events.
                    state.panX = startPanX_;
                    state.panY = startPanY_;
                    viewer::pan(state, e.x - startX_, e.y - startY_);
                    return dx != 0 || dy != 0;
                case Drag::Zoom: {
                    // Up zooms in: a factor of e per 100 pixels, about the press point.
                    const double factor = std::exp(-(e.y - startY_) / 100.0);
                    const auto keep = state;
                    state = zoomStart_;
                    state.frame = keep.frame;
                    state.center = keep.center;
                    state.width = keep.width;
                    viewer::zoomAbout(state, factor, startX_, startY_, ctx);
                    return true;
                }
            }
            return false;
        }
        case Event::Type::Wheel:
            if (e.mods & kCtrl) {
                viewer::zoomAbout(state, std::pow(1.1, e.wheel), e.x, e.y, ctx);
                return true;
            } else {
                const int before = state.frame;
                viewer::stepFrame(state, e.wheel > 0 ? -1 : 1);  // wheel towards the user: next
                return state.frame != before;
            }
        case Event::Type::KeyDown:
            return key(e, state, ctx, presets);
        case Event::Type::KeyUp:
            if (e.key == Key::Space) {
                space_ = false;
            }
            return false;
    }
    return false;
}

bool InputMapper::key(const Event& e, ViewerState& state, const viewer::ViewContext& ctx,
                      const std::vector<viewer::Preset>& presets) {
    const int before = state.frame;
    switch (e.key) {
        case Key::Space:
            space_ = true;
            return false;
        case Key::Up:
        case Key::Left:
            viewer::stepFrame(state, -1);
            return state.frame != before;
        case Key::Down:
        case Key::Right:
            viewer::stepFrame(state, 1);
            return state.frame != before;
        case Key::PageUp:
            viewer::stepFrame(state, -10);
            return state.frame != before;
        case Key::PageDown:
            viewer::stepFrame(state, 10);
            return state.frame != before;
        case Key::Home:
            viewer::goToFrame(state, 0);
            return state.frame != before;
        case Key::End:
            viewer::goToFrame(state, state.frameCount - 1);
            return state.frame != before;
        case Key::F:
            viewer::fitView(state);
            return true;
        case Key::Digit0:
            viewer::oneToOne(state, ctx);
            return true;
        case Key::R:
            viewer::fitView(state);
            state.invert = false;
            request_ = Request::ResetWindow;
            return true;
        case Key::I:
            state.invert = !state.invert;
            return true;
        case Key::L:
            state.linear = !state.linear;
            return true;
        case Key::M: {
            const auto& maps = pixel::colormaps();
            auto it = std::find_if(maps.begin(), maps.end(),
                                   [&](const auto& m) { return m.name == state.colormap; });
            const std::size_t next =
                it == maps.end() ? 0
                                 : (static_cast<std::size_t>(it - maps.begin()) + 1) % maps.size();
            state.colormap = maps[next].name;
            return true;
        }
        case Key::S:
            viewer::nextStage(state);
            return true;
        case Key::P:
            request_ = Request::PinProbe;
            return false;
        case Key::C:
            state.cine = !state.cine;
            request_ = Request::ToggleCine;
            return true;
        case Key::O:
            if (e.mods & kCtrl) {
                request_ = Request::OpenBrowser;
            }
            return false;
        case Key::E:
            if (e.mods & kCtrl) {
                request_ = Request::ExportAnnotated;
            }
            return false;
        case Key::F1:
        case Key::Question:
            state.showHelp = !state.showHelp;
            return true;
        case Key::Escape:
            if (state.showHelp) {
                state.showHelp = false;
                return true;
            }
            return false;
        default:
            break;
    }
    if (e.key >= Key::Digit1 && e.key <= Key::Digit9) {
        const auto k =
            static_cast<std::size_t>(static_cast<int>(e.key) - static_cast<int>(Key::Digit1));
        if (k < presets.size()) {
            state.center = presets[k].center;
            state.width = presets[k].width;
            state.voiLut.reset();
            return true;
        }
    }
    return false;
}

}  // namespace dcmlens::input
