#pragma once

#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "input/input_mapper.hpp"
#include "input/plane_mapper.hpp"
#include "render/renderer.hpp"
#include "viewer/change_tracker.hpp"
#include "viewer/commands.hpp"
#include "viewer/layout.hpp"
#include "viewer/slice_geometry.hpp"
#include "workspace/workspace.hpp"

namespace dcmlens::workspace {

// Which viewports follow each other.
struct Links {
    bool scroll = true;    // linked scrolling (by position when a frame of reference is shared)
    bool byIndex = false;  // also link stacks without a common frame of reference, by index
    bool window = false;   // linked window/level
    bool zoomPan = false;  // linked zoom and pan
};

// Everything the framebuffer of a viewport is drawn from: when it is unchanged, nothing is
// drawn (viewer::ChangeTracker).
struct RenderKey {
    int seriesId = -1;
    int sessionSerial = 0;
    int frame = 0;
    bool resident = false;
    int width = 0;
    int height = 0;
    double center = 0, windowWidth = 0;
    int function = 0;
    int voiLut = -1;
    bool inverse = false;
    std::string colormap;
    int stage = 0;
    double offsetX = 0, offsetY = 0, scaleX = 0, scaleY = 0;
    pixel::Orientation orientation;
    bool linear = false;
    // A plane (MPR): origin, right, down, mm per pixel, slab, projection; and how many slices are
    // resident (a plane fills in as they arrive).
    std::array<double, 12> plane{};
    int residentSlices = 0;
    bool operator==(const RenderKey& o) const {
        return std::tie(seriesId, sessionSerial, frame, resident, width, height, center,
                        windowWidth, function, voiLut, inverse, colormap, stage, offsetX, offsetY,
                        scaleX, scaleY, linear, plane, residentSlices) ==
                   std::tie(o.seriesId, o.sessionSerial, o.frame, o.resident, o.width, o.height,
                            o.center, o.windowWidth, o.function, o.voiLut, o.inverse, o.colormap,
                            o.stage, o.offsetX, o.offsetY, o.scaleX, o.scaleY, o.linear, o.plane,
                            o.residentSlices) &&
               orientation == o.orientation;
    }
};

// One viewport: the series it shows (by id), its view, its input mapping, its framebuffer, and
// the caches of what it showed, keyed by (series, session, frame).
class Viewport {
public:
    int seriesId = -1;  // -1: empty
    viewer::ViewState view;
    input::InputMapper mapper;
    input::PlaneMapper planeMapper;  // when view.plane is set (MPR)
    // The user's window replaces the frame's default one until R; until then each frame shows
    // its own default window (per-frame VOI of enhanced objects, PS3.3 C.7.6.16.2.10).
    bool windowAdjusted = false;
    // Linked scrolling: this viewport's offset to the others (mm along its normal, or frames
    // when linked by index); the offset between two viewports is the difference of theirs.
    double linkOffsetMm = 0;
    int linkOffsetFrames = 0;

    bool empty() const { return seriesId < 0; }
    // The framebuffer, sized to the viewport's cell (made or remade as needed).
    render::Framebuffer* target() const { return target_.get(); }
    // Whether the last render() drew this viewport (tests and the state log).
    int draws() const { return draws_; }

    // The stored values of the shown frame (read back from the GPU for GPU-only stacks), kept
    // while the frame is shown; null when it is not resident.
    const model::PixelBuffer* frameValues(Workspace& workspace);
    // The window a value stage (stored / modality) shows: min-max of those values; none for the
    // other stages. Cached per frame and stage.
    std::optional<model::Window> stageWindow(Workspace& workspace);

private:
    friend class ViewportSet;
    std::unique_ptr<render::Framebuffer> target_;
    viewer::ChangeTracker<RenderKey> rendered_;
    int draws_ = 0;
    // Caches keyed by (series, session serial, frame[, stage]).
    std::tuple<int, int, int> valuesFor_{-1, 0, -1};
    model::PixelBuffer values_;
    std::tuple<int, int, int, int> stageFor_{-1, 0, -1, -1};
    std::optional<model::Window> stageWindow_;
    // The default window was applied for (series, session serial, frame, resident).
    std::tuple<int, int, int, bool> defaultsFor_{-1, 0, -1, false};
};

// The viewports of the layout: the grid, the active viewport, the links between them, and what
// follows what. The app draws them with ImGui; `dcmlens bench --layout` drives them headless.
class ViewportSet {
public:
    ViewportSet();

    const viewer::Grid& grid() const { return grid_; }
    // A new grid keeps the viewports' contents in reading order; extra ones are dropped.
    void setGrid(const viewer::Grid& grid);
    std::vector<Viewport>& viewports() { return viewports_; }
    const std::vector<Viewport>& viewports() const { return viewports_; }
    int active() const { return active_; }
    void setActive(int index);
    Viewport& activeViewport() { return viewports_[static_cast<std::size_t>(active_)]; }
    const Viewport& activeViewport() const { return viewports_[static_cast<std::size_t>(active_)]; }
    Links links;
    // What a viewport starts from when it shows a series (the user's preferences: colormap,
    // interpolation).
    viewer::ViewState viewDefaults;

    // Shows series `id` in viewport k, its view reset to the series' defaults (first frame, the
    // file's window). The session is made if none exists yet.
    void show(int k, int seriesId, Workspace& workspace);
    // Where a newly opened series goes: the first empty viewport, else the active one.
    int placeForNewSeries() const;
    // Empties viewports that show series the workspace no longer has.
    void dropMissing(const Workspace& workspace);

    // Viewport k's frame changed by the user: the linked viewports follow (by position along
    // their normals when they share a frame of reference, else by index when links.byIndex).
    // With `alone`, k moved by itself: its offset to the others changes instead.
    void scrolled(int k, bool alone, const Workspace& workspace);
    // Viewport k's window (or zoom and pan) changed: copied to the others when linked.
    void windowChanged(int k);
    void zoomPanChanged(int k);

    // Once per UI frame, before drawing: frame counts, default windows, and each session's
    // loader steered to the frames its viewports show (the active viewport first).
    void refresh(Workspace& workspace);

    // The geometry a viewport's commands need (image size, aspect, value range) at its size.
    viewer::ViewContext context(const Viewport& v, const Workspace& workspace, int width,
                                int height) const;
    // Presets for the number keys: CT windows for CT, then min-max and 1-99 % of the frame.
    std::vector<viewer::Preset> presets(const Viewport& v, const Workspace& workspace) const;
    // Sets the frame's default window (the file's first for the frame, else min-max).
    void resetWindow(Viewport& v, Workspace& workspace);

    // Draws the viewports whose content changed into their framebuffers, sized to `sizes`
    // (width, height per viewport); returns how many were drawn. GL thread.
    int render(Workspace& workspace, const std::vector<std::pair<int, int>>& sizes);

    // Where the active viewport's slice cuts viewport k's (image coordinates of k), if anywhere.
    std::optional<viewer::Segment> referenceLine(int k, const Workspace& workspace) const;

    // MPR. The crosshair: the patient point every MPR viewport's plane passes through.
    const std::optional<pixel::Vec3>& crosshair() const { return crosshair_; }
    // The MPR layout of series `id`: 2x2 with axial, coronal and sagittal planes through the
    // volume's centre (the radiological conventions of pixel::standardPlane) and the series'
    // slices in the fourth viewport; window/level linked. False, with the one-line reason in
    // `why`, when the series forms no volume (the 2D view stays as it was).
    bool showMpr(int seriesId, Workspace& workspace, std::string* why);
    // Viewport k shows a plane of its series (kind: axial, coronal, sagittal; oblique keeps
    // the current axes), through the crosshair.
    bool showPlane(int k, pixel::PlaneKind kind, Workspace& workspace, std::string* why);
    // Every MPR viewport's plane through p (the in-plane screen mappings stay); with the
    // workspace, the slices of the MPR series shown in other viewports go to the slice nearest p.
    void setCrosshair(const pixel::Vec3& p, const Workspace* workspace = nullptr);
    // Viewport k's plane moved by `steps` slab samples along its normal; the crosshair with it.
    void movePlane(int k, int steps, const Workspace& workspace);
    // The other MPR viewports' planes rotated about viewport k's normal through the crosshair.
    void rotateOthers(int k, double radians);
    // Standard planes through the volume's centre, fitted again.
    void resetPlanes(const Workspace& workspace);
    // The crosshair on viewport k's screen (output pixels), if k shows a plane.
    std::optional<std::array<double, 2>> crosshairOn(int k) const;

private:
    const viewer::SlicePlane* shownPlane(const Viewport& v, const Workspace& workspace) const;
    bool renderPlane(Viewport& v, const Series& series, session::StackSession& session,
                     Workspace& workspace, int w, int h);
    // Calls f(viewport) for every viewport but k that shows a series.
    template <class F>
    void forEachOther(int k, F&& f);
    viewer::Grid grid_{1, 1};
    std::vector<Viewport> viewports_;
    int active_ = 0;
    std::vector<std::pair<int, std::vector<int>>> focused_;  // last focus given to each series
    std::optional<pixel::Vec3> crosshair_;
};

}  // namespace dcmlens::workspace
