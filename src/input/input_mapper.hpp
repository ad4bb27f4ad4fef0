#pragma once

#include <vector>

#include "viewer/commands.hpp"
#include "viewer/viewer_state.hpp"

namespace dcmlens::input {

// Keys the viewer binds, independent of the window system (app/ translates GLFW's).
enum class Key {
    Unknown,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Space,
    E,
    F,
    I,
    R,
    C,
    L,
    M,
    O,
    P,
    S,
    Digit0,
    Digit1,
    Digit2,
    Digit3,
    Digit4,
    Digit5,
    Digit6,
    Digit7,
    Digit8,
    Digit9,
    F1,
    Question,
    Escape
};
enum Mods { kShift = 1, kCtrl = 2, kAlt = 4 };
enum class Button { Left, Right, Middle };

// One raw event, in viewport coordinates (pixels from the viewport's top left).
struct Event {
    enum class Type { Press, Release, Move, Wheel, KeyDown, KeyUp };
    Type type = Type::Move;
    Button button = Button::Left;
    double x = 0;
    double y = 0;
    double wheel = 0;  // positive: away from the user
    Key key = Key::Unknown;
    int mods = 0;
};

// What an event asks of the application beyond the state (files, dialogs, resets).
enum class Request { None, OpenBrowser, ResetWindow, ToggleCine, PinProbe, ExportAnnotated };

// Turns events into viewer commands, with the bindings of RadiAnt / Horos / Weasis:
// left-drag window/level (Shift: fine) or, with a measuring tool chosen, draw that measurement,
// wheel / Up / Down / PageUp / PageDown / Home / End frames, Ctrl+wheel or right-drag zoom about
// the cursor, middle-drag or Space+left-drag pan, F fit, 0 one image pixel per screen pixel, R
// reset, I invert, 1-9 window presets, C cine, L interpolation, M next colormap, F1 or ? help,
// Ctrl+O open, Ctrl+E export the view with annotations; for developers S the next pipeline stage
// as the image, P pin the probe.
class InputMapper {
public:
    // Applies an event; returns true when the state changed. `presets` are the number keys'.
    bool handle(const Event& event, viewer::ViewerState& state, const viewer::ViewContext& ctx,
                const std::vector<viewer::Preset>& presets);
    // The last request an event made (cleared by reading it).
    Request takeRequest() {
        const Request r = request_;
        request_ = Request::None;
        return r;
    }
    bool dragging() const { return drag_ != Drag::None; }

private:
    enum class Drag { None, Window, Zoom, Pan, Measure };
    bool key(const Event& e, viewer::ViewerState& state, const viewer::ViewContext& ctx,
             const std::vector<viewer::Preset>& presets);
    Drag drag_ = Drag::None;
    double startX_ = 0, startY_ = 0, lastX_ = 0, lastY_ = 0;
    double startCenter_ = 0, startWidth_ = 1, startZoom_ = 1;
    double startPanX_ = 0, startPanY_ = 0;
    bool space_ = false;
    Request request_ = Request::None;
    viewer::ViewerState zoomStart_;
};

}  // namespace dcmlens::input
