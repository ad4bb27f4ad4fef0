#include "input/input_mapper.hpp"

#include <algorithm>
#include <cmath>

#include "pixel/colormap.hpp"
#include "viewer/layout.hpp"

namespace dcmlens::input {

using viewer::Measurement;
using viewer::Tool;
using viewer::ViewState;

namespace {

Outcome changed() {
    Outcome o;
    o.changed = true;
    return o;
}

Outcome request(Request r, int argument = 0) {
    Outcome o;
    o.request = r;
    o.argument = argument;
    return o;
}

// The measurement still being drawn on the shown frame (the last one, when incomplete).
Measurement* openMeasurement(ViewState& state) {
    if (state.measurements.empty()) {
        return nullptr;
    }
    Measurement& m = state.measurements.back();
    return !m.complete && m.frame == state.frame ? &m : nullptr;
}

// Points a tool needs before its measurement is complete (polygons: closed by the user).
std::size_t pointsNeeded(Tool tool) {
    switch (tool) {
        case Tool::Angle:
            return 3;
        case Tool::CobbAngle:
            return 4;
        case Tool::Polygon:
            return 0;
        default:
            return 2;
    }
}

// A measurement being drawn.
Measurement started(Tool tool, std::vector<std::pair<double, double>> points, int frame) {
    Measurement m;
    m.tool = tool;
    m.points = std::move(points);
    m.frame = frame;
    m.complete = false;
    return m;
}

// Two screen points closer than this are one click.
constexpr double kNear = 6;

}  // namespace

bool InputMapper::measuring(const ViewState& state) const {
    return !state.measurements.empty() && !state.measurements.back().complete &&
           state.measurements.back().frame == state.frame;
}

Outcome InputMapper::press(const Event& e, ViewState& state, const viewer::AppState& app,
                           const viewer::ViewContext& ctx) {
    startX_ = lastX_ = e.x;
    startY_ = lastY_ = e.y;
    if (e.button == Button::Middle || (e.button == Button::Left && space_)) {
        drag_ = Drag::Pan;
        startPanX_ = state.panX;
        startPanY_ = state.panY;
        return {};
    }
    if (e.button == Button::Right) {
        drag_ = Drag::Zoom;
        zoomStart_ = state;
        return {};
    }
    if (app.tool == Tool::WindowLevel) {
        drag_ = Drag::Window;
        startCenter_ = state.center;
        startWidth_ = state.width;
        return {};
    }
    double ix = 0;
    double iy = 0;
    viewer::viewportToImage(state, ctx, e.x, e.y, ix, iy);
    Measurement* open = openMeasurement(state);
    if (open && open->tool != app.tool) {
        state.measurements.pop_back();  // the tool changed half way: start again
        open = nullptr;
    }
    if (app.tool == Tool::Polygon) {
        drag_ = Drag::None;  // vertices are clicks
        if (!open) {
            state.measurements.push_back(started(Tool::Polygon, {{ix, iy}}, state.frame));
            return changed();
        }
        double fx = 0;
        double fy = 0;
        viewer::imageToViewport(state, ctx, open->points.front().first, open->points.front().second,
                                fx, fy);
        if (open->points.size() >= 3 && std::hypot(fx - e.x, fy - e.y) <= kNear) {
            open->complete = true;  // a click on the first vertex closes the polygon
        } else {
            open->points.emplace_back(ix, iy);
        }
        return changed();
    }
    drag_ = Drag::Measure;
    if (open) {
        // An angle's third point, a Cobb angle's second line.
        open->points.emplace_back(ix, iy);
        if (app.tool == Tool::CobbAngle) {
            open->points.emplace_back(ix, iy);
        }
        return changed();
    }
    state.measurements.push_back(started(app.tool, {{ix, iy}, {ix, iy}}, state.frame));
    return changed();
}

Outcome InputMapper::handle(const Event& e, ViewState& state, viewer::AppState& app,
                            const viewer::ViewContext& ctx,
                            const std::vector<viewer::Preset>& presets) {
    switch (e.type) {
        case Event::Type::Press:
            return press(e, state, app, ctx);
        case Event::Type::Release: {
            const Drag was = drag_;
            drag_ = Drag::None;
            if (was != Drag::Measure || state.measurements.empty()) {
                return {};
            }
            Measurement& m = state.measurements.back();
            // A click without a drag draws nothing: the last segment has no length on screen.
            double ax = 0, ay = 0, bx = 0, by = 0;
            const auto& p = m.points;
            viewer::imageToViewport(state, ctx, p[p.size() - 2].first, p[p.size() - 2].second, ax,
                                    ay);
            viewer::imageToViewport(state, ctx, p.back().first, p.back().second, bx, by);
            const bool segment = m.tool != Tool::Angle || p.size() == 2;
            if (segment && std::hypot(bx - ax, by - ay) < 2) {
                if (p.size() <= 2) {
                    state.measurements.pop_back();
                } else {
                    m.points.resize(m.points.size() - 2);  // a Cobb angle's empty second line
                }
                return changed();
            }
            if (m.points.size() >= pointsNeeded(m.tool)) {
                m.complete = true;
            }
            return changed();
        }
        case Event::Type::Move: {
            const double dx = e.x - lastX_;
            const double dy = e.y - lastY_;
            lastX_ = e.x;
            lastY_ = e.y;
            switch (drag_) {
                case Drag::None:
                    return {};
                case Drag::Measure: {
                    double ix = 0;
                    double iy = 0;
                    viewer::viewportToImage(state, ctx, e.x, e.y, ix, iy);
                    state.measurements.back().points.back() = {ix, iy};
                    return changed();
                }
                case Drag::Window:
                    viewer::dragWindow(state, startCenter_, startWidth_, e.x - startX_,
                                       e.y - startY_, ctx, (e.mods & kShift) != 0);
                    return changed();
                case Drag::Pan: {
                    // From the press point, so that no motion is lost between events.
                    state.panX = startPanX_;
                    state.panY = startPanY_;
                    viewer::pan(state, e.x - startX_, e.y - startY_);
                    Outcome o;
                    o.changed = dx != 0 || dy != 0;
                    return o;
                }
                case Drag::Zoom: {
                    // Up zooms in: a factor of e per 100 pixels, about the press point.
                    const double factor = std::exp(-(e.y - startY_) / 100.0);
                    ViewState zoomed = zoomStart_;
                    zoomed.fit = zoomStart_.fit;
                    viewer::zoomAbout(zoomed, factor, startX_, startY_, ctx);
                    state.fit = zoomed.fit;
                    state.zoom = zoomed.zoom;
                    state.panX = zoomed.panX;
                    state.panY = zoomed.panY;
                    return changed();
                }
            }
            return {};
        }
        case Event::Type::Wheel: {
            if (e.mods & kCtrl) {
                viewer::zoomAbout(state, std::pow(1.1, e.wheel), e.x, e.y, ctx);
                return changed();
            }
            const int before = state.frame;
            viewer::stepFrame(state, e.wheel > 0 ? -1 : 1);  // wheel towards the user: next
            Outcome o;
            o.changed = o.scrolled = state.frame != before;
            o.alone = (e.mods & kShift) != 0;
            return o;
        }
        case Event::Type::KeyDown:
            return key(e, state, app, ctx, presets);
        case Event::Type::KeyUp:
            if (e.key == Key::Space) {
                space_ = false;
            }
            return {};
    }
    return {};
}

Outcome InputMapper::key(const Event& e, ViewState& state, viewer::AppState& app,
                         const viewer::ViewContext& ctx,
                         const std::vector<viewer::Preset>& presets) {
    const int before = state.frame;
    const bool ctrl = (e.mods & kCtrl) != 0;
    auto scroll = [&](int delta, bool absolute) {
        if (absolute) {
            viewer::goToFrame(state, delta);
        } else {
            viewer::stepFrame(state, delta);
        }
        Outcome o;
        o.changed = o.scrolled = state.frame != before;
        o.alone = (e.mods & kShift) != 0;
        return o;
    };
    if (ctrl) {
        switch (e.key) {
            case Key::O:
                return request(Request::OpenBrowser);
            case Key::E:
                return request(Request::ExportAnnotated);
            case Key::Q:
                return request(Request::Quit);
            case Key::M:
                return request(Request::Mpr);
            default:
                break;
        }
        if (e.key >= Key::Digit1 && e.key <= Key::Digit9) {
            const int k = static_cast<int>(e.key) - static_cast<int>(Key::Digit1);
            if (k < static_cast<int>(viewer::standardGrids().size())) {
                return request(Request::Layout, k);
            }
        }
        return {};
    }
    switch (e.key) {
        case Key::Space:
            space_ = true;
            return {};
        case Key::Up:
        case Key::Left:
            return scroll(-1, false);
        case Key::Down:
        case Key::Right:
            return scroll(1, false);
        case Key::PageUp:
            return scroll(-10, false);
        case Key::PageDown:
            return scroll(10, false);
        case Key::Home:
            return scroll(0, true);
        case Key::End:
            return scroll(state.frameCount - 1, true);
        case Key::Tab:
            return request((e.mods & kShift) ? Request::PreviousViewport : Request::NextViewport);
        case Key::F:
            viewer::fitView(state);
            return changed();
        case Key::Digit0:
            viewer::oneToOne(state);
            return changed();
        case Key::R: {
            viewer::fitView(state);
            state.invert = false;
            state.orientation = {};
            Outcome o = request(Request::ResetWindow);
            o.changed = true;
            return o;
        }
        case Key::I:
            state.invert = !state.invert;
            return changed();
        case Key::L:
            state.linear = !state.linear;
            return changed();
        case Key::H:
            viewer::flipHorizontally(state);
            return changed();
        case Key::V:
            viewer::flipVertically(state);
            return changed();
        case Key::BracketRight:
            viewer::rotateClockwise(state);
            return changed();
        case Key::BracketLeft:
            viewer::rotateCounterClockwise(state);
            return changed();
        case Key::M: {
            const auto& maps = pixel::colormaps();
            auto it = std::find_if(maps.begin(), maps.end(),
                                   [&](const auto& m) { return m.name == state.colormap; });
            const std::size_t next =
                it == maps.end() ? 0
                                 : (static_cast<std::size_t>(it - maps.begin()) + 1) % maps.size();
            state.colormap = maps[next].name;
            return changed();
        }
        case Key::S:
            viewer::nextStage(state);
            return changed();
        case Key::P:
            return request(Request::PinProbe);
        case Key::C:
            state.cine = !state.cine;
            return changed();
        case Key::Plus:
            return request(Request::CineFaster);
        case Key::Minus:
            return request(Request::CineSlower);
        case Key::K:
            return request(Request::ToggleLinkedScrolling);
        case Key::A:
            return request(Request::ToggleAnnotations);
        case Key::F1:
        case Key::Question:
            return request(Request::ToggleHelp);
        case Key::Enter:
            if (Measurement* m = openMeasurement(state);
                m && m->tool == Tool::Polygon && m->points.size() >= 3) {
                m->complete = true;
                return changed();
            }
            return {};
        case Key::Escape:
            // Esc cancels what is being drawn, then goes back to window/level, then closes help.
            if (openMeasurement(state)) {
                state.measurements.pop_back();
                drag_ = Drag::None;
                return changed();
            }
            if (app.tool != Tool::WindowLevel) {
                app.tool = Tool::WindowLevel;
                return changed();
            }
            return request(Request::Escape);
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
            return changed();
        }
    }
    (void)ctx;
    return {};
}

}  // namespace dcmlens::input
