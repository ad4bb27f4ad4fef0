#pragma once

#include <optional>
#include <vector>

#include "viewer/commands.hpp"
#include "viewer/view_state.hpp"

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
    Tab,
    Enter,
    Delete,
    A,
    C,
    E,
    F,
    H,
    I,
    K,
    L,
    M,
    O,
    P,
    Q,
    R,
    S,
    V,
    BracketLeft,
    BracketRight,
    Plus,
    Minus,
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

// What an event asks of the application beyond the viewport's state.
enum class Request {
    None,
    OpenBrowser,            // Ctrl+O
    ResetWindow,            // R: the frame's default window
    PinProbe,               // P
    ExportAnnotated,        // Ctrl+E
    Quit,                   // Ctrl+Q
    NextViewport,           // Tab
    PreviousViewport,       // Shift+Tab
    Layout,                 // Ctrl+1..6: `argument` is the index into viewer::standardGrids()
    ToggleLinkedScrolling,  // K
    ToggleAnnotations,      // A
    CineFaster,             // + (=)
    CineSlower,             // -
    ToggleHelp,             // F1, ?
    Mpr,                    // Ctrl+M: the MPR layout of the active viewport's series, or back
    Escape,                 // Esc with nothing of the viewport's to cancel
};

// The result of one event: whether the viewport's state changed, and what else it asks.
struct Outcome {
    bool changed = false;
    Request request = Request::None;
    int argument = 0;
    // The frame changed by the user's scrolling: linked viewports follow, unless `alone` (Shift:
    // this viewport moves by itself and its offset to the others changes).
    bool scrolled = false;
    bool alone = false;
    // An MPR viewport (PlaneMapper): the crosshair set to a patient point; this viewport's plane
    // moved along its normal by `moveSteps` slab samples; the other planes rotated about this
    // plane's normal through the crosshair by `rotateRadians`.
    std::optional<pixel::Vec3> crosshair;
    int moveSteps = 0;
    double rotateRadians = 0;
};

// Turns events into commands on one viewport's state, with the bindings of RadiAnt / Horos /
// Weasis: left-drag window/level (Shift: fine) or, with a measuring tool chosen, draw that
// measurement; wheel / Up / Down / PageUp / PageDown / Home / End frames (Shift: this viewport
// alone); Ctrl+wheel or right-drag zoom about the cursor; middle-drag or Space+left-drag pan;
// F fit, 0 one image pixel per screen pixel, R reset, I invert, 1-9 window presets, H / V flip,
// ] / [ rotate clockwise / counter-clockwise, C cine, + / - cine speed, L interpolation, M next
// colormap; for developers S the next pipeline stage as the image, P pin the probe. The
// application's keys (Ctrl+O, Ctrl+E, Ctrl+Q, Ctrl+1..6, Tab, K, A, F1) come back as requests.
class InputMapper {
public:
    // `presets` are the number keys'.
    Outcome handle(const Event& event, viewer::ViewState& state, viewer::AppState& app,
                   const viewer::ViewContext& ctx, const std::vector<viewer::Preset>& presets);
    bool dragging() const { return drag_ != Drag::None; }
    // A measurement is being drawn (an angle waiting for its third point, a polygon open).
    bool measuring(const viewer::ViewState& state) const;

private:
    enum class Drag { None, Window, Zoom, Pan, Measure };
    Outcome key(const Event& e, viewer::ViewState& state, viewer::AppState& app,
                const viewer::ViewContext& ctx, const std::vector<viewer::Preset>& presets);
    Outcome press(const Event& e, viewer::ViewState& state, const viewer::AppState& app,
                  const viewer::ViewContext& ctx);
    Drag drag_ = Drag::None;
    double startX_ = 0, startY_ = 0, lastX_ = 0, lastY_ = 0;
    double startCenter_ = 0, startWidth_ = 1;
    double startPanX_ = 0, startPanY_ = 0;
    bool space_ = false;
    viewer::ViewState zoomStart_;
};

}  // namespace dcmlens::input
