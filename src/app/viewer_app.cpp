// The viewer's window and event loop: the only file that includes GLFW. Input flows
// GLFW -> ImGui (which owns the panels) -> input::InputMapper (the image viewport is an ImGui
// item) -> viewer::ViewerState -> render::Renderer into a framebuffer shown as an ImGui image.
// The loop waits for events and redraws only after input, while cine plays, or while a drag
// is under way.

#include "app/viewer_app.hpp"

#include "app/compare_panel.hpp"
#include "app/gl_image.hpp"
#include "app/series_thumbnails.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <glad/gl.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>

#include "cli/json_writer.hpp"
#include "cli/tag_dump.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "input/input_mapper.hpp"
#include "io/png_writer.hpp"
#include "pixel/auto_window.hpp"
#include "pixel/colormap.hpp"
#include "pixel/probe.hpp"
#include "pixel/roi.hpp"
#include "render/program_cache.hpp"
#include "render/renderer.hpp"
#include "series/series_builder.hpp"
#include "series/stack.hpp"
#include "session/stack_session.hpp"
#include "ui/panels.hpp"
#include "viewer/commands.hpp"

namespace dcmlens::app {

namespace {

// Files dropped on the window, collected by GLFW's callback and opened by the loop.
std::mutex droppedMutex;
std::vector<std::string> dropped;
int pendingFrames = 3;  // frames still to draw after the last event
struct KeyPress {
    int key;
    int action;
    int mods;
};
std::vector<KeyPress> keyQueue;  // GLFW key events since the last frame
ImVec2 cursorPosition(0, 0);     // from GLFW's cursor events, in window coordinates
ImVec2 pressPosition[3];         // the cursor position at each button's last press

void onDrop(GLFWwindow*, int count, const char** paths) {
    std::lock_guard<std::mutex> lock(droppedMutex);
    for (int i = 0; i < count; ++i) {
        dropped.emplace_back(paths[i]);
    }
}

std::string configFolder(const std::string& requested) {
    if (!requested.empty()) {
        return requested;
    }
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
        return std::string(xdg) + "/dcmlens";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return std::string(home) + "/.config/dcmlens";
    }
    return ".dcmlens";
}

input::Key keyFor(int glfwKey) {
    switch (glfwKey) {
        case GLFW_KEY_UP:
            return input::Key::Up;
        case GLFW_KEY_DOWN:
            return input::Key::Down;
        case GLFW_KEY_LEFT:
            return input::Key::Left;
        case GLFW_KEY_RIGHT:
            return input::Key::Right;
        case GLFW_KEY_PAGE_UP:
            return input::Key::PageUp;
        case GLFW_KEY_PAGE_DOWN:
            return input::Key::PageDown;
        case GLFW_KEY_HOME:
            return input::Key::Home;
        case GLFW_KEY_END:
            return input::Key::End;
        case GLFW_KEY_SPACE:
            return input::Key::Space;
        case GLFW_KEY_F:
            return input::Key::F;
        case GLFW_KEY_I:
            return input::Key::I;
        case GLFW_KEY_R:
            return input::Key::R;
        case GLFW_KEY_C:
            return input::Key::C;
        case GLFW_KEY_L:
            return input::Key::L;
        case GLFW_KEY_M:
            return input::Key::M;
        case GLFW_KEY_E:
            return input::Key::E;
        case GLFW_KEY_P:
            return input::Key::P;
        case GLFW_KEY_S:
            return input::Key::S;
        case GLFW_KEY_O:
            return input::Key::O;
        case GLFW_KEY_F1:
            return input::Key::F1;
        case GLFW_KEY_SLASH:
            return input::Key::Question;
        case GLFW_KEY_ESCAPE:
            return input::Key::Escape;
        default:
            break;
    }
    if (glfwKey >= GLFW_KEY_0 && glfwKey <= GLFW_KEY_9) {
        return static_cast<input::Key>(static_cast<int>(input::Key::Digit0) + glfwKey - GLFW_KEY_0);
    }
    return input::Key::Unknown;
}

// The viewer proper: a stack on the GPU, the state, the panels.
class Viewer {
public:
    Viewer(const ViewerOptions& options, GLFWwindow* window)
        : options_(options), window_(window), config_(configFolder(options.configDir)) {
        for (const auto& map : pixel::colormaps()) {
            colormapNames_.push_back(map.name);
        }
        std::error_code ec;
        std::filesystem::create_directories(config_, ec);
        loadRecent();
        if (!options.stateLog.empty()) {
            stateLog_.open(options.stateLog, std::ios::app);
        }
        if (options.paths.empty()) {
            setSeries({series::demoStack()});
            show(0);
        } else {
            open(options.paths);
        }
    }

    // One frame of UI; returns false when the user asked to quit.
    bool frame() {
        {
            std::vector<std::string> paths;
            {
                std::lock_guard<std::mutex> lock(droppedMutex);
                paths.swap(dropped);
            }
            if (!paths.empty()) {
                open(paths);
            }
        }
        pumpLoading();
        advanceCine();
        bool quit = false;
        drawMenu(quit);
        // The layout from the window's size and the menu bar's height (ImGui's main menu bar
        // is GetFrameHeight() high), not from WorkPos/WorkSize: those take the menu bar into
        // account only from the next frame, so the first frame's viewport would be taller than
        // every later one (and a test reading the first logged viewport got the wrong height).
        const ImGuiViewport* vp = ImGui::GetMainViewport();
        const float panelWidth = 380;
        const float menuHeight = ImGui::GetFrameHeight();
        const float statusHeight = ImGui::GetFrameHeight() + 6;
        const float top = vp->Pos.y + menuHeight;
        const ImVec2 viewportSize(std::max(64.0f, vp->Size.x - panelWidth),
                                  std::max(64.0f, vp->Size.y - menuHeight - statusHeight));
        drawViewport(ImVec2(vp->Pos.x, top), viewportSize);
        drawSidePanel(ImVec2(vp->Pos.x + viewportSize.x, top), ImVec2(panelWidth, viewportSize.y));
        drawStatus(ImVec2(vp->Pos.x, top + viewportSize.y), ImVec2(vp->Size.x, statusHeight));
        ui::drawHelp(&state_.showHelp);
        if (const std::string chosen = browser_.draw(); !chosen.empty()) {
            open({chosen});
        }
        drawErrors();
        if (stateChanged_) {
            logState();
            if (session_) {
                saveSettings();
            }
            stateChanged_ = false;
        }
        return !quit;
    }

    // The side panel's tabs, in order; --panel names one of them.
    struct Tab {
        const char* name;
        void (Viewer::*draw)();
    };
    static bool hasTab(const std::string& name) {
        return std::any_of(tabs().begin(), tabs().end(),
                           [&](const Tab& tab) { return name == tab.name; });
    }
    static const std::vector<Tab>& tabs() {
        static const std::vector<Tab> all = {
            {"Window", &Viewer::drawWindowTab},     {"Probe", &Viewer::drawProbe},
            {"Measure", &Viewer::drawMeasureTab},   {"Histogram", &Viewer::drawHistogram},
            {"Pixel data", &Viewer::drawPixelData}, {"Compare", &Viewer::drawCompare},
            {"Series", &Viewer::drawSeriesBrowser}, {"Tags", &Viewer::drawTags},
            {"Info", &Viewer::drawInfoTab}};
        return all;
    }

    // After the UI is drawn into the back buffer, before the swap.
    void afterRender(int framebufferWidth, int framebufferHeight) {
        captureIfRequested(framebufferWidth, framebufferHeight);
    }

    bool animating() const { return state_.cine || mapper_.dragging(); }
    double cineSeconds() const {
        if (!session_) {
            return 1.0 / 15;
        }
        const double ms = session_->instanceOf(state_.frame).frameTimeMs;
        return ms > 0 ? ms / 1000 : 1.0 / 15;  // Frame Time (0018,1063), else 15 fps
    }

private:
    // Opening reads every header first (on all cores; ~0.1 ms a file), groups and sorts them,
    // then shows the largest stack while its pixels decode in the background.
    void setSeries(std::vector<series::SeriesStack> stacks) {
        series_ = std::move(stacks);
        thumbnails_.clear();
    }

    void open(const std::vector<std::string>& paths) {
        std::vector<std::string> problems;  // a DICOMDIR's missing files, unreadable DICOMDIRs
        const std::vector<std::string> files = series::listFiles(paths, &problems);
        series::HeaderScan scan = series::scanHeaders(files);
        scan.errors.insert(scan.errors.begin(), problems.begin(), problems.end());
        for (const std::string& e : scan.errors) {
            errors_.push_back(e);
        }
        std::vector<series::SeriesStack> stacks = series::buildStacks(std::move(scan.headers));
        if (stacks.empty()) {
            if (scan.errors.empty()) {
                errors_.push_back(paths.front() + ": no DICOM images found");
            }
            showErrors_ = true;
            stateChanged_ = true;
            return;
        }
        if (!scan.errors.empty()) {
            showErrors_ = true;
        }
        for (const std::string& p : paths) {
            addRecent(p);
        }
        setSeries(std::move(stacks));
        show(0);
    }

    // Shows one stack of the last opened series list (the series browser's choice).
    void show(std::size_t which, int focus = 0) {
        for (auto& [key, texture] : overlayTextures_) {
            glDeleteTextures(1, &texture);
        }
        overlayTextures_.clear();
        session_.reset();
        try {
            session_ = std::make_unique<session::StackSession>(renderer_, series_[which], focus);
        } catch (const Error& e) {
            errors_.push_back(std::string("cannot show the images: ") + e.what());
            showErrors_ = true;
            stateChanged_ = true;
            return;
        }
        shownSeries_ = which;
        state_ = viewer::ViewerState{};
        state_.frameCount = session_->frameCount();
        state_.frame = focus;
        applySettings();
        const model::Instance& first = session_->instanceOf(focus);
        tags_.setTags({});
        if (first.path.rfind("demo:", 0) != 0) {
            try {
                tags_.setTags(dicom::DicomFile(first.path).tagTree());
            } catch (const Error& e) {
                errors_.push_back(first.path + ": " + e.what());
            }
        }
        rangeKnown_ = false;
        // Caches of the previous stack's pixels (the new session may even reuse its address).
        valuesFrame_ = -1;
        histogramFrame_ = -1;
        stageWindowFor_ = {-1, -1};
        compare_.clear();
        compareShownView_.clear();
        // Until the first image is decoded: the range the header allows.
        const pixel::ModalityTransform modality(first.modalityFor(0), first.pixel);
        range_ = {modality.absMinimum(), modality.absMaximum()};
        resetWindow();
        if (session_->windowed()) {
            errors_.push_back(session_->windowMessage());
            showErrors_ = true;
        }
        dirty_ = true;
        stateChanged_ = true;
    }

    // Moves decoded images to the GPU, a bounded amount per UI frame so the UI stays fluid.
    void pumpLoading() {
        if (!session_) {
            return;
        }
        constexpr std::uint64_t kUploadPerFrame = 64ull << 20;
        try {
            if (session_->pump(kUploadPerFrame) > 0) {
                pendingFrames = std::max(pendingFrames, 2);
                dirty_ = true;
                stateChanged_ = true;
            }
        } catch (const Error& e) {  // e.g. out of GPU memory: say so, keep what is loaded
            session_->cancelLoading();
            errors_.push_back(e.what());
            showErrors_ = true;
            stateChanged_ = true;
        }
        for (std::string& e : session_->takeErrors()) {
            errors_.push_back(std::move(e));
            showErrors_ = true;
        }
        if (rangeKnown_ && !percentileKnown_ && session_->resident(state_.frame) &&
            session_->frameStats(state_.frame).percentile) {
            computeRange();  // the first image's 1-99 % window arrived after it: a preset more
            stateChanged_ = true;
        }
        if (!rangeKnown_ && session_->resident(state_.frame)) {
            computeRange();
            if (session_->instanceOf(state_.frame).windowsFor(0).empty()) {
                resetWindow();  // min-max needs the pixels
            }
            rangeKnown_ = true;
        }
        if (!session_->allResident()) {
            pendingFrames = std::max(pendingFrames, 1);  // keep polling while loading
        }
        // Windowed residency: scrolling out of the resident window moves it.
        if (session_->windowed() &&
            (state_.frame < session_->windowStart() ||
             state_.frame >= session_->windowStart() + session_->windowFrames())) {
            const int frame = state_.frame;
            const viewer::ViewerState keep = state_;
            show(shownSeries_, frame);
            state_ = keep;
            dirty_ = true;
        }
    }

    // The modality value range of the shown image, padding excluded: the gain of a window drag.
    void computeRange() {
        const model::Instance& in = session_->instanceOf(state_.frame);
        const auto& stats = session_->frameStats(state_.frame);
        range_ = stats.range;
        presets_.clear();
        if (in.modalityCode == "CT") {
            presets_ = viewer::ctPresets();
        }
        const model::Window mm = pixel::minMaxWindow(range_);
        presets_.push_back({"Min-max", mm.center, mm.width});
        percentileKnown_ = stats.percentile.has_value();
        if (stats.percentile) {
            presets_.push_back({"1-99 %", stats.percentile->center, stats.percentile->width});
        }
    }

    void resetWindow() {
        const model::Instance& in = session_->instanceOf(state_.frame);
        const auto& windows = in.windowsFor(session_->frameInInstance(state_.frame));
        if (!windows.empty()) {
            state_.center = windows.front().center;
            state_.width = windows.front().width;
        } else {
            const model::Window mm = pixel::minMaxWindow(range_);
            state_.center = mm.center;
            state_.width = mm.width;
        }
        state_.function = in.voiFunctionFor(0);
        state_.voiLut.reset();
    }

    viewer::ViewContext context(ImVec2 size) const {
        viewer::ViewContext ctx;
        ctx.viewportWidth = static_cast<int>(size.x);
        ctx.viewportHeight = static_cast<int>(size.y);
        if (session_) {
            const model::Instance& in = session_->instanceOf(state_.frame);
            ctx.imageWidth = in.pixel.columns;
            ctx.imageHeight = in.pixel.rows;
            ctx.pixelAspect = pixel::pixelAspect(in.geometry);
        }
        ctx.valueMin = range_.min;
        ctx.valueMax = range_.max;
        return ctx;
    }

    void renderImage(ImVec2 size) {
        const int w = static_cast<int>(size.x);
        const int h = static_cast<int>(size.y);
        if (!target_ || target_->width() != w || target_->height() != h) {
            target_.reset();
            target_ = std::make_unique<render::Framebuffer>(w, h);
            dirty_ = true;
        }
        if (!dirty_ || !session_) {
            return;
        }
        if (!session_->resident(state_.frame)) {
            target_->bind();  // not decoded yet: a black viewport with a note (drawViewport)
            glClearColor(0, 0, 0, 1);
            glClear(GL_COLOR_BUFFER_BIT);
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            return;
        }
        dirty_ = false;
        pixel::DisplayOptions o =
            viewer::displayOptions(state_, session_->instanceOf(state_.frame));
        if (auto w = stageWindow()) {
            o.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
            o.center = w->center;
            o.width = w->width;
        }
        try {
            target_->bind();
            session_->draw(state_.frame, o, viewer::viewMapping(state_, context(size)),
                           state_.linear, w, h);
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
        } catch (const Error& e) {
            errors_.push_back(e.what());
            showErrors_ = true;
        }
    }

    void drawViewport(ImVec2 pos, ImVec2 size) {
        ImGui::SetNextWindowPos(pos);
        ImGui::SetNextWindowSize(size);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
        ImGui::Begin("##viewport", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoScrollWithMouse |
                         ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        if (origin.x != viewportOrigin_.x || origin.y != viewportOrigin_.y ||
            size.x != viewportSize_.x || size.y != viewportSize_.y) {
            stateChanged_ = true;  // the log tells tests where the viewport is
        }
        viewportOrigin_ = origin;
        viewportSize_ = size;
        renderImage(size);
        if (target_) {
            ImGui::Image(imguiTexture(target_->texture()), size, ImVec2(0, 1), ImVec2(1, 0));
        }
        ImGui::SetCursorScreenPos(origin);
        ImGui::InvisibleButton("image", size,
                               ImGuiButtonFlags_MouseButtonLeft |
                                   ImGuiButtonFlags_MouseButtonRight |
                                   ImGuiButtonFlags_MouseButtonMiddle);
        handleInput(origin, size);
        if (session_ && !session_->resident(state_.frame)) {
            ImGui::GetWindowDrawList()->AddText(
                ImVec2(origin.x + size.x / 2 - 60, origin.y + size.y / 2),
                IM_COL32(200, 200, 200, 255), "loading this image...");
        }
        if (session_) {
            drawMeasurement(ImGui::GetWindowDrawList(), origin, size);
        }
        if (session_ && state_.overlays) {
            drawDicomOverlays(ImGui::GetWindowDrawList(), origin, size);
        }
        if (session_) {
            drawBitPlane(ImGui::GetWindowDrawList(), origin, size);
            drawPinMarkers(ImGui::GetWindowDrawList(), origin, size);
            drawCompareOverlay(ImGui::GetWindowDrawList(), origin, size);
            ui::drawAnnotations(ImGui::GetWindowDrawList(), origin, size, state_, context(size),
                                session_->instanceOf(state_.frame), state_.frameCount,
                                session_->description());
        }
        ImGui::End();
        ImGui::PopStyleVar();
    }

    // DICOM overlay planes (60xx,3000) of the shown frame, drawn over the image as a separate
    // layer (never burned into the pixels), one colour per plane.
    // Bit-plane view: one bit of each pixel's word as decoded, before masking to Bits Stored
    // (for native data the word the file holds; for compressed data the codec's output), white
    // where set, drawn over the image: junk above High Bit and overlays hidden in unused bits
    // show up here. Sample 0 of colour pixels.
    void drawBitPlane(ImDrawList* list, ImVec2 origin, ImVec2 size) {
        if (bitPlane_ < 0 || !session_ || !session_->resident(state_.frame)) {
            return;
        }
        const model::Instance& in = session_->instanceOf(state_.frame);
        const int f = session_->frameInInstance(state_.frame);
        bitPlane_ = std::min(bitPlane_, in.pixel.bitsAllocated - 1);  // after a shallower image
        const model::PixelBuffer* words = rawWords(state_.frame);
        if (words == nullptr) {
            return;
        }
        if (bitPlaneTexture_ == 0 || bitPlaneBuilt_ != std::make_tuple(in.path, f, bitPlane_)) {
            const int w = words->width();
            const int h = words->height();
            std::vector<std::uint32_t> rgba(static_cast<std::size_t>(w) * h, 0xFF000000u);
            for (int y = 0; y < h; ++y) {
                for (int x = 0; x < w; ++x) {
                    const auto word = static_cast<std::uint64_t>(words->at(0, x, y, 0));
                    if ((word >> bitPlane_) & 1u) {
                        rgba[static_cast<std::size_t>(y) * w + x] = 0xFFFFFFFFu;
                    }
                }
            }
            uploadRgba(bitPlaneTexture_, w, h, rgba.data());
            bitPlaneBuilt_ = std::make_tuple(in.path, f, bitPlane_);
        }
        drawOverImage(list, origin, size, bitPlaneTexture_);
    }

    // A texture of the shown image's size laid over it, following zoom and pan, clipped to the
    // viewport (bit planes, DICOM overlays, the Compare tab's difference).
    void drawOverImage(ImDrawList* list, ImVec2 origin, ImVec2 size, GLuint texture) {
        const model::Instance& in = session_->instanceOf(state_.frame);
        const pixel::ViewMapping v = viewer::viewMapping(state_, context(size));
        const ImVec2 p0(static_cast<float>(origin.x + v.offsetX),
                        static_cast<float>(origin.y + v.offsetY));
        const ImVec2 p1(static_cast<float>(p0.x + in.pixel.columns / v.scaleX),
                        static_cast<float>(p0.y + in.pixel.rows / v.scaleY));
        list->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
        list->AddImage(imguiTexture(texture), p0, p1);
        list->PopClipRect();
    }

    void drawDicomOverlays(ImDrawList* list, ImVec2 origin, ImVec2 size) {
        const model::Instance& in = session_->instanceOf(state_.frame);
        if (in.overlays.empty()) {
            return;
        }
        drawOverImage(list, origin, size,
                      overlayTexture(in, session_->frameInInstance(state_.frame)));
    }

    GLuint overlayTexture(const model::Instance& in, int frame) {
        const auto key = std::make_pair(&in, frame);
        if (auto it = overlayTextures_.find(key); it != overlayTextures_.end()) {
            return it->second;
        }
        const int w = in.pixel.columns;
        const int h = in.pixel.rows;
        std::vector<std::uint32_t> rgba(static_cast<std::size_t>(w) * h, 0);
        const std::uint32_t colours[] = {0xFF00FFFF, 0xFFFFFF00, 0xFFFF00FF, 0xFF00FF00};  // ABGR
        for (std::size_t k = 0; k < in.overlays.size(); ++k) {
            const model::Overlay& ov = in.overlays[k];
            // Multi-frame overlays start at Image Frame Origin (60xx,0051); single ones apply to
            // all.
            const int index = ov.frames == 1 ? 0 : frame - (ov.firstFrame - 1);
            if (index < 0 || index >= ov.frames) {
                continue;
            }
            const std::size_t planeSize = static_cast<std::size_t>(ov.rows) * ov.columns;
            for (int r = 0; r < ov.rows; ++r) {
                for (int c = 0; c < ov.columns; ++c) {
                    const int x = ov.originColumn - 1 + c;
                    const int y = ov.originRow - 1 + r;
                    if (x >= 0 && y >= 0 && x < w && y < h &&
                        ov.bits[planeSize * static_cast<std::size_t>(index) +
                                static_cast<std::size_t>(r) * ov.columns + c]) {
                        rgba[static_cast<std::size_t>(y) * w + x] = colours[k % 4];
                    }
                }
            }
        }
        GLuint texture = 0;
        uploadRgba(texture, w, h, rgba.data());
        overlayTextures_[key] = texture;
        return texture;
    }

    void handleInput(ImVec2 origin, ImVec2 size) {
        if (!session_) {
            return;
        }
        const ImGuiIO& io = ImGui::GetIO();
        const bool hovered = ImGui::IsItemHovered();
        const viewer::ViewContext ctx = context(size);
        const int mods = (io.KeyShift ? input::kShift : 0) | (io.KeyCtrl ? input::kCtrl : 0) |
                         (io.KeyAlt ? input::kAlt : 0);
        const double x = io.MousePos.x - origin.x;
        const double y = io.MousePos.y - origin.y;
        bool changed = false;
        auto feed = [&](input::Event e, double ex = -1e300, double ey = -1e300,
                        int eventMods = -1) {
            e.x = ex > -1e299 ? ex : x;
            e.y = ey > -1e299 ? ey : y;
            e.mods = eventMods >= 0 ? eventMods : mods;
            changed |= mapper_.handle(e, state_, ctx, presets_);
            switch (mapper_.takeRequest()) {
                case input::Request::OpenBrowser:
                    browser_.open(
                        recent_.empty()
                            ? "."
                            : std::filesystem::path(recent_.front()).parent_path().string());
                    break;
                case input::Request::ResetWindow:
                    resetWindow();
                    changed = true;
                    break;
                case input::Request::ExportAnnotated:
                    requestCapture();
                    break;
                case input::Request::PinProbe:
                    if (probe_ && probe_->frame == state_.frame) {
                        state_.pins.push_back({probe_->x, probe_->y, probe_->frame});
                        changed = true;
                    }
                    break;
                default:
                    break;
            }
        };
        const input::Button buttons[] = {input::Button::Left, input::Button::Right,
                                         input::Button::Middle};
        // Presses, then motion, then releases: a press, a move and a release can all arrive
        // between two frames (Dear ImGui 1.86 reports the frame's net state), and none may be lost.
        for (int b = 0; b < 3; ++b) {
            if (hovered && ImGui::IsMouseClicked(b)) {
                input::Event e;
                e.type = input::Event::Type::Press;
                e.button = buttons[b];
                feed(e, pressPosition[b].x - origin.x, pressPosition[b].y - origin.y);
            }
        }
        if (mapper_.dragging() && (io.MouseDelta.x != 0 || io.MouseDelta.y != 0)) {
            input::Event e;
            e.type = input::Event::Type::Move;
            feed(e);
        }
        for (int b = 0; b < 3; ++b) {
            if (ImGui::IsMouseReleased(b) && mapper_.dragging()) {
                input::Event e;
                e.type = input::Event::Type::Release;
                e.button = buttons[b];
                feed(e);
            }
        }
        if (hovered && io.MouseWheel != 0) {
            input::Event e;
            e.type = input::Event::Type::Wheel;
            e.wheel = io.MouseWheel;
            feed(e);
        }
        std::vector<KeyPress> keys;
        {
            std::lock_guard<std::mutex> lock(droppedMutex);
            keys.swap(keyQueue);
        }
        for (const KeyPress& k : keys) {
            if (io.WantTextInput) {
                continue;  // typing into a field: no shortcuts
            }
            input::Event e;
            e.type =
                k.action == GLFW_RELEASE ? input::Event::Type::KeyUp : input::Event::Type::KeyDown;
            e.key = k.key == GLFW_KEY_SLASH && (k.mods & GLFW_MOD_SHIFT) ? input::Key::Question
                                                                         : keyFor(k.key);
            const bool repeats = e.key == input::Key::Up || e.key == input::Key::Down ||
                                 e.key == input::Key::Left || e.key == input::Key::Right ||
                                 e.key == input::Key::PageUp || e.key == input::Key::PageDown;
            if (e.key == input::Key::Unknown || (k.action == GLFW_REPEAT && !repeats)) {
                continue;
            }
            const int keyMods = (k.mods & GLFW_MOD_SHIFT ? input::kShift : 0) |
                                (k.mods & GLFW_MOD_CONTROL ? input::kCtrl : 0) |
                                (k.mods & GLFW_MOD_ALT ? input::kAlt : 0);
            feed(e, -1e300, -1e300, keyMods);
        }
        if (hovered) {
            double ix = 0;
            double iy = 0;
            viewer::viewportToImage(state_, ctx, x, y, ix, iy);
            cursorImage_ = {ix, iy};
            updateProbe(static_cast<int>(std::floor(ix)), static_cast<int>(std::floor(iy)));
        } else {
            cursorImage_.reset();
        }
        if (changed) {
            markChanged();
        }
    }

    // The pixel probe: every stage of the pixel under the cursor, from the same pipeline that
    // draws (pixel/), the stored value read back from the GPU; the word as decoded comes from the
    // file (decoded once per frame while the Probe tab is open).
    // The probe of one pixel (pixel::probePixel) and where it is, with the word as decoded.
    struct Probe : pixel::PixelProbe {
        int x = 0, y = 0, frame = 0;
        std::optional<std::int64_t> raw;
    };

    // Every stage of one pixel, from the same code as the render (the real display pipeline,
    // whatever stage the image shows): greyscale, palette and colour images.
    std::optional<Probe> probeAt(int frame, int ix, int iy) {
        if (!session_ || !session_->resident(frame)) {
            return std::nullopt;
        }
        const model::Instance& in = session_->instanceOf(frame);
        if (ix < 0 || iy < 0 || ix >= in.pixel.columns || iy >= in.pixel.rows) {
            return std::nullopt;
        }
        const int f = session_->frameInInstance(frame);
        std::array<std::int64_t, 3> samples{};
        for (int c = 0; c < std::min(3, in.pixel.samplesPerPixel); ++c) {
            samples[static_cast<std::size_t>(c)] = session_->storedValue(frame, ix, iy, c);
        }
        std::optional<pixel::GrayPipeline> gray;
        if (in.pixel.samplesPerPixel == 1 &&
            in.pixel.photometric != model::Photometric::PaletteColor) {
            // The real display pipeline, whatever stage the image shows.
            pixel::DisplayOptions options = viewer::displayOptions(state_, in);
            options.stage = pixel::DisplayOptions::Stage::Output;
            const model::PixelBuffer none;
            gray = pixel::makeGrayPipeline(in, {none, 0, f}, options);
        }
        Probe p;
        try {
            static_cast<pixel::PixelProbe&>(p) =
                pixel::probePixel(in, samples, gray ? &*gray : nullptr, state_.colormap);
        } catch (const Error&) {
            return std::nullopt;  // a palette image without its tables: nothing to show
        }
        p.x = ix;
        p.y = iy;
        p.frame = frame;
        // Only while the Probe tab shows: reading the raw words decodes the frame again.
        if (const model::PixelBuffer* words = probeTabOpen_ ? rawWords(frame) : nullptr) {
            p.raw = words->at(0, ix, iy, 0);
        }
        return p;
    }

    // The words of a frame as decoded, before masking (the probe's raw stage and the bit-plane
    // view), decoded again from the file once per frame; null for the demo or when it fails.
    const model::PixelBuffer* rawWords(int frame) {
        const model::Instance& in = session_->instanceOf(frame);
        const int f = session_->frameInInstance(frame);
        if (in.path.rfind("demo:", 0) == 0) {
            return nullptr;
        }
        if (rawPath_ != in.path || rawFrame_ != f) {
            try {
                rawWords_ = dicom::DicomFile(in.path).decodeRawFrame(f);
            } catch (const Error&) {
                rawWords_ = model::PixelBuffer();
            }
            rawPath_ = in.path;
            rawFrame_ = f;
        }
        return rawWords_.empty() ? nullptr : &rawWords_;
    }

    void updateProbe(int ix, int iy) {
        if (probe_ && probe_->x == ix && probe_->y == iy && probe_->frame == state_.frame &&
            !dirty_) {
            return;
        }
        if (auto p = probeAt(state_.frame, ix, iy)) {
            probe_ = p;
            stateChanged_ = true;
        }
    }

    void drawProbe() {
        probeTabOpen_ = true;
        drawPins();
        if (!probe_ || !session_) {
            ImGui::TextDisabled("move the cursor over the image");
            return;
        }
        const model::Instance& in = session_->instanceOf(probe_->frame);
        const auto& px = in.pixel;
        ImGui::Text("column %d, row %d, image %d", probe_->x, probe_->y, probe_->frame + 1);
        if (ImGui::BeginTable("stages", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
            ImGui::TableSetupColumn("stage", ImGuiTableColumnFlags_WidthFixed, 80);
            ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
            auto row = [](const char* name, const std::string& value) {
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(name);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(value.c_str());
            };
            char buf[160];
            if (probe_->raw) {
                std::string bits;
                for (int b = px.bitsAllocated - 1; b >= 0; --b) {
                    const bool inField = b <= px.highBit && b > px.highBit - px.bitsStored;
                    const char c = ((*probe_->raw >> b) & 1) ? '1' : '0';
                    bits += inField ? std::string(1, c) : std::string(1, c == '1' ? 'x' : '.');
                }
                std::snprintf(buf, sizeof buf, "0x%0*llX", (px.bitsAllocated + 3) / 4,
                              static_cast<unsigned long long>(*probe_->raw));
                row("raw word", buf);
                row("bits", bits + "  (x/. outside Bits Stored)");
            }
            if (probe_->kind == Probe::Kind::Colour) {
                const auto& v = probe_->samples;
                std::snprintf(buf, sizeof buf, "%lld %lld %lld (%s as decoded)",
                              static_cast<long long>(v[0]), static_cast<long long>(v[1]),
                              static_cast<long long>(v[2]),
                              model::photometricName(in.decodedPhotometric));
                row("samples", buf);
                if (const auto& c = probe_->converted) {
                    std::snprintf(buf, sizeof buf, "%lld %lld %lld",
                                  static_cast<long long>((*c)[0]), static_cast<long long>((*c)[1]),
                                  static_cast<long long>((*c)[2]));
                    row("YBR -> RGB", buf);
                }
                std::snprintf(buf, sizeof buf, "%d %d %d", probe_->rgb[0], probe_->rgb[1],
                              probe_->rgb[2]);
                row("8-bit RGB", buf);
                ImGui::EndTable();
                return;
            }
            std::snprintf(buf, sizeof buf, "%lld (%s, %d of %d bits, high bit %d)",
                          static_cast<long long>(probe_->stored),
                          px.isSigned ? "signed" : "unsigned", px.bitsStored, px.bitsAllocated,
                          px.highBit);
            row("stored", buf);
            if (probe_->kind == Probe::Kind::Palette) {
                row("palette index", std::to_string(probe_->stored));
                std::snprintf(buf, sizeof buf, "%d %d %d", probe_->rgb[0], probe_->rgb[1],
                              probe_->rgb[2]);
                row("palette RGB", buf);
                ImGui::EndTable();
                return;
            }
            if (probe_->modalityLutEntry) {
                std::snprintf(buf, sizeof buf, "%g  (Modality LUT entry %lld)", probe_->modality,
                              static_cast<long long>(*probe_->modalityLutEntry));
            } else {
                std::snprintf(buf, sizeof buf, "%g %s", probe_->modality,
                              in.modality.rescaleType.c_str());
            }
            row("modality", buf);
            std::snprintf(buf, sizeof buf, "%.6f", probe_->voi);
            row("VOI output", buf);
            row("8-bit", std::to_string(probe_->output));
            std::snprintf(buf, sizeof buf, "%s: %d %d %d", state_.colormap.c_str(), probe_->rgb[0],
                          probe_->rgb[1], probe_->rgb[2]);
            row("colour", buf);
            ImGui::EndTable();
        }
    }

    // Pinned probes (P pins the pixel under the cursor): every stage of each, one row per pin.
    void drawPins() {
        if (state_.pins.empty()) {
            ImGui::TextDisabled("P pins the pixel under the cursor");
            return;
        }
        ImGui::Text("pinned (%zu)", state_.pins.size());
        ImGui::SameLine();
        if (ImGui::SmallButton("clear")) {
            state_.pins.clear();
            markChanged();
            return;
        }
        if (ImGui::BeginTable("pins", 8,
                              ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_SizingFixedFit)) {
            for (const char* h :
                 {"#", "image", "x, y", "raw", "stored", "modality", "VOI", "8-bit"}) {
                ImGui::TableSetupColumn(h);
            }
            ImGui::TableHeadersRow();
            // Probed again only when the pins, the window or their images' residency change:
            // a pin on another image would otherwise decode its file again every UI frame.
            std::string key = displayKey();
            for (const viewer::Pin& pin : state_.pins) {
                key += ";" + std::to_string(pin.x) + "," + std::to_string(pin.y) + "," +
                       std::to_string(pin.frame) + "," +
                       std::to_string(session_ && session_->resident(pin.frame));
            }
            if (key != pinsKey_) {
                pinsKey_ = key;
                pinProbes_.clear();
                for (const viewer::Pin& pin : state_.pins) {
                    pinProbes_.push_back(probeAt(pin.frame, pin.x, pin.y));
                }
            }
            for (std::size_t i = 0; i < state_.pins.size(); ++i) {
                const viewer::Pin& pin = state_.pins[i];
                const std::optional<Probe>& p = pinProbes_[i];
                ImGui::TableNextColumn();
                ImGui::Text("%zu", i + 1);
                ImGui::TableNextColumn();
                ImGui::Text("%d", pin.frame + 1);
                ImGui::TableNextColumn();
                ImGui::Text("%d, %d", pin.x, pin.y);
                if (!p) {
                    ImGui::TableNextColumn();
                    ImGui::TextDisabled("not loaded");
                    for (int c = 0; c < 4; ++c) {
                        ImGui::TableNextColumn();
                    }
                    continue;
                }
                ImGui::TableNextColumn();
                if (p->raw) {
                    ImGui::Text("0x%llX", static_cast<unsigned long long>(*p->raw));
                } else {
                    ImGui::TextDisabled("-");
                }
                ImGui::TableNextColumn();
                ImGui::Text("%lld", static_cast<long long>(p->stored));
                ImGui::TableNextColumn();
                ImGui::Text("%g", p->modality);
                ImGui::TableNextColumn();
                ImGui::Text("%.3f", p->voi);
                ImGui::TableNextColumn();
                ImGui::Text("%d", p->output);
            }
            ImGui::EndTable();
        }
    }

    // Pins of the shown image: a cross and the pin's number at the pixel's centre.
    void drawPinMarkers(ImDrawList* list, ImVec2 origin, ImVec2 size) {
        const pixel::ViewMapping v = viewer::viewMapping(state_, context(size));
        list->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
        for (std::size_t i = 0; i < state_.pins.size(); ++i) {
            const viewer::Pin& pin = state_.pins[i];
            if (pin.frame != state_.frame) {
                continue;
            }
            const float cx = static_cast<float>(origin.x + v.offsetX + (pin.x + 0.5) / v.scaleX);
            const float cy = static_cast<float>(origin.y + v.offsetY + (pin.y + 0.5) / v.scaleY);
            const ImU32 colour = IM_COL32(80, 220, 255, 255);
            list->AddLine(ImVec2(cx - 6, cy), ImVec2(cx + 6, cy), colour);
            list->AddLine(ImVec2(cx, cy - 6), ImVec2(cx, cy + 6), colour);
            list->AddText(ImVec2(cx + 4, cy + 2), colour, std::to_string(i + 1).c_str());
        }
        list->PopClipRect();
    }

    // Histogram of the shown frame's modality values (read back from the GPU once per frame) with
    // the window drawn over it; dragging a window edge moves that edge, dragging inside moves the
    // window. Statistics of the frame in modality units.
    void drawHistogram() {
        if (!session_ || !session_->resident(state_.frame)) {
            ImGui::TextDisabled("no image yet");
            return;
        }
        const model::Instance& in = session_->instanceOf(state_.frame);
        if (in.pixel.samplesPerPixel != 1 ||
            in.pixel.photometric == model::Photometric::PaletteColor) {
            ImGui::TextDisabled("histograms are for greyscale images");
            return;
        }
        const int f = session_->frameInInstance(state_.frame);
        const pixel::ModalityTransform modality(in.modalityFor(f), in.pixel);
        if (histogramFrame_ != state_.frame || histogramSession_ != session_.get()) {
            const model::PixelBuffer& values = frameValues();
            histogram_ = pixel::histogram(values, 0, modality, in.padding, 256);
            std::vector<double> v = pixel::modalityValues(values, 0, modality, in.padding);
            double sum = 0;
            double sum2 = 0;
            for (double x : v) {
                sum += x;
                sum2 += x * x;
            }
            const double n = static_cast<double>(std::max<std::size_t>(1, v.size()));
            histogramStats_ = {static_cast<double>(v.size()), sum / n,
                               std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n)))};
            histogramFrame_ = state_.frame;
            histogramSession_ = session_.get();
        }
        const pixel::Histogram& h = histogram_;
        ImGui::Text("n %.0f  mean %.2f  SD %.2f  min %g  max %g %s", histogramStats_[0],
                    histogramStats_[1], histogramStats_[2], h.range.min, h.range.max,
                    in.modality.rescaleType.c_str());
        const ImVec2 size(ImGui::GetContentRegionAvail().x, 180);
        const ImVec2 o = ImGui::GetCursorScreenPos();
        ImGui::InvisibleButton("histogram", size);
        ImDrawList* list = ImGui::GetWindowDrawList();
        list->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), IM_COL32(20, 20, 24, 255));
        std::uint32_t peak = 1;
        for (auto c : h.counts) {
            peak = std::max(peak, c);
        }
        const float bar = size.x / static_cast<float>(h.counts.size());
        for (std::size_t i = 0; i < h.counts.size(); ++i) {
            // Square-root scale: the tissue peaks stay visible next to the air peak.
            const float height =
                size.y * std::sqrt(static_cast<float>(h.counts[i]) / static_cast<float>(peak));
            list->AddRectFilled(ImVec2(o.x + bar * static_cast<float>(i), o.y + size.y - height),
                                ImVec2(o.x + bar * static_cast<float>(i + 1), o.y + size.y),
                                IM_COL32(150, 150, 160, 255));
        }
        const double span = std::max(1e-9, h.range.max - h.range.min);
        auto toX = [&](double value) {
            return o.x + static_cast<float>((value - h.range.min) / span) * size.x;
        };
        auto toValue = [&](float x) { return h.range.min + (x - o.x) / size.x * span; };
        const double lo = state_.center - state_.width / 2;
        const double hi = state_.center + state_.width / 2;
        list->AddRectFilled(ImVec2(toX(lo), o.y), ImVec2(toX(hi), o.y + size.y),
                            IM_COL32(230, 200, 60, 40));
        list->AddLine(ImVec2(toX(lo), o.y), ImVec2(toX(lo), o.y + size.y),
                      IM_COL32(230, 200, 60, 255), 2);
        list->AddLine(ImVec2(toX(hi), o.y), ImVec2(toX(hi), o.y + size.y),
                      IM_COL32(230, 200, 60, 255), 2);
        const ImGuiIO& io = ImGui::GetIO();
        if (ImGui::IsItemClicked()) {
            const float x = io.MousePos.x;
            histogramDrag_ = std::abs(x - toX(lo)) < 6 ? 1 : std::abs(x - toX(hi)) < 6 ? 2 : 3;
            histogramDragStart_ = {lo, hi, static_cast<double>(x)};
        }
        if (histogramDrag_ != 0 && ImGui::IsMouseDown(0)) {
            const double v = toValue(io.MousePos.x);
            double newLo = histogramDragStart_[0];
            double newHi = histogramDragStart_[1];
            if (histogramDrag_ == 1) {
                newLo = std::min(v, newHi - 1);
            } else if (histogramDrag_ == 2) {
                newHi = std::max(v, newLo + 1);
            } else {
                const double shift = (io.MousePos.x - histogramDragStart_[2]) / size.x * span;
                newLo += shift;
                newHi += shift;
            }
            state_.center = (newLo + newHi) / 2;
            state_.width = newHi - newLo;
            state_.voiLut.reset();
            markChanged();
        } else {
            histogramDrag_ = 0;
        }
        ImGui::TextDisabled("drag a window edge, or inside the window to move it");
    }

    // The min-max window of the values a value stage shows (stored or modality values of the
    // frame, padding excluded), from the frame's stored values; none for the other stages.
    std::optional<model::Window> stageWindow() {
        // Once per image and stage, not at every redraw (a window drag redraws each step).
        const auto key = std::make_pair(state_.frame, static_cast<int>(state_.stage));
        if (stageWindowFor_ != key) {
            stageWindow_ = computeStageWindow();
            stageWindowFor_ = key;
        }
        return stageWindow_;
    }

    std::optional<model::Window> computeStageWindow() {
        using Stage = pixel::DisplayOptions::Stage;
        const model::Instance& in = session_->instanceOf(state_.frame);
        if ((state_.stage != Stage::Stored && state_.stage != Stage::Modality) ||
            in.pixel.samplesPerPixel != 1 ||
            in.pixel.photometric == model::Photometric::PaletteColor) {
            return std::nullopt;
        }
        const int f = session_->frameInInstance(state_.frame);
        const pixel::ModalityTransform modality(
            state_.stage == Stage::Stored ? model::ModalityInfo{} : in.modalityFor(f), in.pixel);
        if (auto range = pixel::modalityRange(frameValues(), 0, modality, in.padding)) {
            return pixel::minMaxWindow(*range);
        }
        return std::nullopt;
    }

    // The stored values of the shown frame (read back from the GPU for GPU-only stacks), cached.
    const model::PixelBuffer& frameValues() {
        if (valuesFrame_ != state_.frame || valuesSession_ != session_.get()) {
            const model::Instance& in = session_->instanceOf(state_.frame);
            const int f = session_->frameInInstance(state_.frame);
            values_ = in.stored.empty()
                          ? renderer_.readLayer(*session_->image(), session_->layerOf(state_.frame))
                          : in.stored.frame(f);
            valuesFrame_ = state_.frame;
            valuesSession_ = session_.get();
        }
        return values_;
    }

    // The measurement over the image: the shape, and its statistics or length next to it.
    void drawMeasurement(ImDrawList* list, ImVec2 origin, ImVec2 size) {
        if (!state_.measurement || state_.measurement->frame != state_.frame ||
            !session_->resident(state_.frame)) {
            return;
        }
        const viewer::Measurement& m = *state_.measurement;
        const pixel::ViewMapping v = viewer::viewMapping(state_, context(size));
        auto screen = [&](double ix, double iy) {
            return ImVec2(static_cast<float>(origin.x + v.offsetX + ix / v.scaleX),
                          static_cast<float>(origin.y + v.offsetY + iy / v.scaleY));
        };
        const ImU32 colour = IM_COL32(80, 220, 255, 255);
        const ImVec2 a = screen(m.x0, m.y0);
        const ImVec2 b = screen(m.x1, m.y1);
        list->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
        const std::string label = measurementText();
        if (m.tool == viewer::Tool::Line) {
            list->AddLine(a, b, colour, 2);
        } else if (m.tool == viewer::Tool::Rectangle) {
            list->AddRect(ImVec2(std::min(a.x, b.x), std::min(a.y, b.y)),
                          ImVec2(std::max(a.x, b.x), std::max(a.y, b.y)), colour, 0, 0, 2);
        } else {
            const ImVec2 c((a.x + b.x) / 2, (a.y + b.y) / 2);
            const float rx = std::abs(b.x - a.x) / 2;
            const float ry = std::abs(b.y - a.y) / 2;
            for (int i = 0; i < 64; ++i) {
                const float t0 = 6.2831853f * static_cast<float>(i) / 64;
                const float t1 = 6.2831853f * static_cast<float>(i + 1) / 64;
                list->AddLine(ImVec2(c.x + rx * std::cos(t0), c.y + ry * std::sin(t0)),
                              ImVec2(c.x + rx * std::cos(t1), c.y + ry * std::sin(t1)), colour, 2);
            }
        }
        list->AddText(ImVec2(std::max(a.x, b.x) + 6, std::max(a.y, b.y) + 2), colour,
                      label.c_str());
        list->PopClipRect();
    }

    std::string measurementText() {
        const viewer::Measurement& m = *state_.measurement;
        const model::Instance& in = session_->instanceOf(state_.frame);
        const int f = session_->frameInInstance(state_.frame);
        char text[200];
        if (m.tool == viewer::Tool::Line) {
            const auto mm = pixel::distanceMm(in.geometry, m.x0, m.y0, m.x1, m.y1);
            if (mm) {
                std::snprintf(text, sizeof text, "%.2f mm", *mm);
            } else {
                std::snprintf(text, sizeof text, "%.1f px", std::hypot(m.x1 - m.x0, m.y1 - m.y0));
            }
            return text;
        }
        if (in.pixel.samplesPerPixel != 1 ||
            in.pixel.photometric == model::Photometric::PaletteColor) {
            return "";
        }
        const pixel::Roi roi{m.tool == viewer::Tool::Ellipse ? pixel::Roi::Shape::Ellipse
                                                             : pixel::Roi::Shape::Rectangle,
                             std::min(m.x0, m.x1), std::min(m.y0, m.y1), std::abs(m.x1 - m.x0),
                             std::abs(m.y1 - m.y0)};
        const pixel::ModalityTransform modality(in.modalityFor(f), in.pixel);
        const auto st = pixel::roiStatistics(frameValues(), 0, modality, in.padding, roi);
        std::snprintf(text, sizeof text, "n %zu  mean %.1f  SD %.1f\nmin %g  max %g %s", st.count,
                      st.mean, st.sd, st.min, st.max, in.modalityFor(f).rescaleType.c_str());
        return text;
    }

    void drawMeasureTab() {
        const char* tools[] = {"Window/level", "Rectangle", "Ellipse", "Line"};
        int tool = static_cast<int>(state_.tool);
        ImGui::TextUnformatted("Left drag:");
        for (int i = 0; i < 4; ++i) {
            if (ImGui::RadioButton(tools[i], tool == i)) {
                state_.tool = static_cast<viewer::Tool>(i);
            }
            if (i < 3) {
                ImGui::SameLine();
            }
        }
        if (!state_.measurement || !session_ || !session_->resident(state_.frame)) {
            ImGui::TextDisabled("choose a tool and drag on the image");
            return;
        }
        ImGui::TextUnformatted(measurementText().c_str());
        const viewer::Measurement& m = *state_.measurement;
        if (m.tool == viewer::Tool::Line && m.frame == state_.frame) {
            const model::Instance& in = session_->instanceOf(state_.frame);
            const pixel::ModalityTransform modality(
                in.modalityFor(session_->frameInInstance(state_.frame)), in.pixel);
            const auto profile =
                pixel::lineProfile(frameValues(), 0, modality, m.x0, m.y0, m.x1, m.y1);
            std::vector<float> values(profile.begin(), profile.end());
            ImGui::PlotLines("##profile", values.data(), static_cast<int>(values.size()), 0,
                             "line profile", FLT_MAX, FLT_MAX,
                             ImVec2(ImGui::GetContentRegionAvail().x, 160));
        }
        if (ImGui::Button("Clear")) {
            state_.measurement.reset();
        }
    }

    // Inside the pixel data: transfer syntax, native or encapsulated, the Basic Offset Table and
    // fragments, and a hex view of the shown frame's bytes as the file holds them, with the bytes
    // of the pixel under the cursor highlighted (native data).
    // The stage view and the bit-plane view: what the image shows, for developers.
    void drawStageControls(const model::Instance& in) {
        const bool grey = in.pixel.samplesPerPixel == 1 &&
                          in.pixel.photometric != model::Photometric::PaletteColor;
        if (grey) {
            using Stage = pixel::DisplayOptions::Stage;
            const char* labels[] = {"display output", "VOI output (before polarity)",
                                    "modality values (min-max)", "stored values (min-max)"};
            int stage = static_cast<int>(state_.stage);
            if (ImGui::Combo("image shows", &stage, labels, 4)) {
                state_.stage = static_cast<Stage>(stage);
                markChanged();
            }
        } else {
            ImGui::TextDisabled("stage view: greyscale images only");
        }
        int plane = bitPlane_;
        if (ImGui::SliderInt("bit plane", &plane, -1, in.pixel.bitsAllocated - 1,
                             plane < 0 ? "off" : "bit %d")) {
            bitPlane_ = plane;
        }
        if (bitPlane_ >= 0) {
            ImGui::TextDisabled("the image shows bit %d of each %s word (Bits Stored: bits %d-%d)",
                                bitPlane_, hexLayout_.encapsulated ? "decoded" : "stored",
                                in.pixel.highBit - in.pixel.bitsStored + 1, in.pixel.highBit);
        }
    }

    void drawPixelData() {
        if (!session_) {
            return;
        }
        const model::Instance& in = session_->instanceOf(state_.frame);
        if (in.path.rfind("demo:", 0) == 0) {
            ImGui::TextDisabled("the demo stack has no file");
            return;
        }
        const int f = session_->frameInInstance(state_.frame);
        if (hexPath_ != in.path || hexFrame_ != f || hexFragment_ != hexFragmentShown_) {
            if (hexPath_ != in.path) {
                hexFragment_ = -1;
            }
            hexPath_ = in.path;
            hexFrame_ = f;
            hexFragmentShown_ = hexFragment_;
            hexError_.clear();
            try {
                dicom::DicomFile file(in.path);
                hexLayout_ = file.pixelLayout();
                hexBytes_ = hexFragment_ >= 0 ? file.fragmentData(hexFragment_) : file.frameData(f);
            } catch (const Error& e) {
                hexBytes_.clear();
                hexError_ = e.what();
            }
        }
        drawStageControls(in);
        ImGui::Separator();
        ImGui::TextWrapped("%s (%s)", in.transferSyntaxName.c_str(), in.transferSyntaxUid.c_str());
        if (!hexError_.empty()) {
            ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", hexError_.c_str());
            return;
        }
        std::size_t highlight = static_cast<std::size_t>(-1);
        std::size_t highlightLength = 0;
        if (hexLayout_.encapsulated) {
            ImGui::Text("encapsulated: offset table of %zu entries, %zu fragments",
                        hexLayout_.offsetTable.size(), hexLayout_.fragments.size());
            if (f < static_cast<int>(hexLayout_.frameFragments.size())) {
                const auto [first, count] = hexLayout_.frameFragments[static_cast<std::size_t>(f)];
                ImGui::Text("this frame: fragments %d-%d, %zu bytes of codestream", first + 1,
                            first + count, hexBytes_.size());
            }
            if (ImGui::TreeNode("fragments (select one for its bytes)")) {
                if (ImGui::Selectable("this frame's codestream", hexFragment_ < 0)) {
                    hexFragment_ = -1;
                }
                for (std::size_t i = 0; i < hexLayout_.fragments.size(); ++i) {
                    char label[96];
                    std::snprintf(label, sizeof label, "%zu: offset %llu, %u bytes", i + 1,
                                  static_cast<unsigned long long>(hexLayout_.fragments[i].offset),
                                  hexLayout_.fragments[i].length);
                    if (ImGui::Selectable(label, hexFragment_ == static_cast<int>(i))) {
                        hexFragment_ = static_cast<int>(i);
                    }
                }
                ImGui::TreePop();
            }
            ImGui::Text("hex: %s (%zu bytes)",
                        hexFragment_ < 0 ? "the frame's codestream"
                                         : ("fragment " + std::to_string(hexFragment_ + 1)).c_str(),
                        hexBytes_.size());
        } else {
            const int bytesPerSample = std::max(1, in.pixel.bitsAllocated / 8);
            ImGui::Text(
                "native, %d-bit words, little-endian as shown%s", in.pixel.bitsAllocated,
                in.transferSyntaxUid == "1.2.840.10008.1.2.2" ? " (the file is big endian)" : "");
            if (probe_ && probe_->frame == state_.frame && in.pixel.bitsAllocated >= 8) {
                const std::size_t pixel =
                    static_cast<std::size_t>(probe_->y) * in.pixel.columns + probe_->x;
                highlight = pixel * static_cast<std::size_t>(bytesPerSample) *
                            (in.pixel.planarConfiguration == 1
                                 ? 1
                                 : static_cast<std::size_t>(in.pixel.samplesPerPixel));
                highlightLength = static_cast<std::size_t>(bytesPerSample);
                ImGui::Text("pixel (%d, %d): bytes %zu-%zu", probe_->x, probe_->y, highlight,
                            highlight + highlightLength - 1);
            }
        }
        ImGui::Separator();
        hexView_.draw(hexBytes_, highlight, highlightLength);
    }

    // Compare tab: this frame (A) against another frame of the stack or a file (B), value by
    // value; or this view on the GPU against the CPU reference of the same view.
    void drawCompare() {
        const float width = ImGui::GetContentRegionAvail().x;
        if (!session_ || !session_->resident(state_.frame)) {
            ImGui::TextDisabled("no image yet");
            return;
        }
        const model::Instance& in = session_->instanceOf(state_.frame);
        const int before = compareSource_;
        ImGui::RadioButton("another image", &compareSource_, 0);
        ImGui::SameLine();
        ImGui::RadioButton("a file", &compareSource_, 1);
        ImGui::SameLine();
        ImGui::RadioButton("GPU vs CPU", &compareSource_, 2);
        rememberWidget("compare: GPU vs CPU");
        if (compareSource_ != before) {
            compare_.clear();
        }
        if (compareSource_ == 0) {
            int b = compareFrame_ + 1;
            ImGui::SliderInt("image B", &b, 1, std::max(1, state_.frameCount));
            compareFrame_ = std::clamp(b - 1, 0, std::max(0, state_.frameCount - 1));
        } else if (compareSource_ == 1) {
            // Loaded on Enter, not on every keystroke of a path being typed.
            if (ImGui::InputText("file B", compareFile_, sizeof compareFile_,
                                 ImGuiInputTextFlags_EnterReturnsTrue)) {
                compareFileChosen_ = compareFile_;
            }
        }
        ImGui::Checkbox("show the difference over the image", &compareOverlay_);
        ImGui::Separator();
        pixel::DisplayOptions options = viewer::displayOptions(state_, in);
        if (auto w = stageWindow()) {
            options.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
            options.center = w->center;
            options.width = w->width;
        }
        const int f = session_->frameInInstance(state_.frame);
        const std::string view = compareViewKey();
        const std::string values = compareValuesKey();
        if (compareSource_ == 0) {
            if (!session_->resident(compareFrame_)) {
                ImGui::TextDisabled("image B is not loaded yet");
                return;
            }
            const std::string key = "frame:" + std::to_string(state_.frame) + ":" +
                                    std::to_string(compareFrame_) + ":" + values;
            if (!compare_.isFor(key)) {  // values are read back from the GPU once per change
                const model::PixelBuffer a = valuesOf(state_.frame);
                const model::PixelBuffer b = valuesOf(compareFrame_);
                compare_.compareValues(key, in, {a, 0, f}, session_->instanceOf(compareFrame_),
                                       {b, 0, session_->frameInInstance(compareFrame_)}, options);
                compareShownView_ = values;
                stateChanged_ = true;
            }
        } else if (compareSource_ == 1) {
            const std::string path = compareFileChosen_;
            if (path.empty()) {
                ImGui::TextDisabled("type the path of a file of the same size, then Enter");
                return;
            }
            if (compareFileLoaded_ != path) {
                compareFileLoaded_ = path;
                compareFileError_.clear();
                try {
                    dicom::DicomFile file(path);
                    compareFileFrame_ = file.decodeFrame(0);
                    compareFileInstance_ = file.release();
                } catch (const Error& e) {
                    compareFileError_ = e.what();
                    compareFileFrame_ = model::PixelBuffer();
                }
                compare_.clear();
            }
            if (!compareFileError_.empty()) {
                ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", compareFileError_.c_str());
                return;
            }
            const std::string key =
                "file:" + std::to_string(state_.frame) + ":" + path + ":" + values;
            if (!compare_.isFor(key)) {
                compare_.compareValues(key, in, {frameValues(), 0, f}, compareFileInstance_,
                                       {compareFileFrame_, 0, 0}, options);
                compareShownView_ = values;
                stateChanged_ = true;
            }
        } else {
            ImGui::TextWrapped(
                "A: the CPU reference (src/pixel) of the view as shown; B: the GPU's output.");
            // Redone whenever the view changes while this mode is chosen.
            if ((ImGui::Button("compare again") || compareView_ != view ||
                 !compare_.difference()) &&
                target_ && session_->resident(state_.frame) && !dirty_) {
                const viewer::ViewContext ctx = context(viewportSize_);
                const pixel::Image cpu = pixel::renderView(
                    in, {frameValues(), 0, f}, options, target_->width(), target_->height(),
                    viewer::viewMapping(state_, ctx), state_.linear);
                // Grey output is R = G = B on the GPU: its red channel, as `compare` does.
                const pixel::Image gpu = target_->read(cpu.channels);
                glBindFramebuffer(GL_FRAMEBUFFER, 0);
                compare_.compareRenders(cpu, gpu);
                compareView_ = view;
                compareShownView_ = view;
                stateChanged_ = true;
            }
        }
        compare_.draw(width);
    }

    void rememberWidget(const std::string& name) {
        const ImVec2 a = ImGui::GetItemRectMin();
        const ImVec2 b = ImGui::GetItemRectMax();
        widgets_[name] = ImVec2((a.x + b.x) / 2, (a.y + b.y) / 2);
    }

    // What a comparison of values depends on besides its inputs: the shown image and how A and B
    // are displayed side by side (window, stage, colormap, polarity); not zoom or pan.
    std::string compareValuesKey() { return std::to_string(state_.frame) + "," + displayKey(); }

    // What the GPU-vs-CPU comparison depends on: the whole view, zoom and pan included.
    std::string compareViewKey() {
        return compareValuesKey() + "," + std::to_string(state_.linear) + "," +
               std::to_string(viewer::effectiveZoom(state_, context(viewportSize_))) + "," +
               std::to_string(state_.panX) + "," + std::to_string(state_.panY);
    }

    // The display pipeline the state asks for, as a key for results computed from it.
    std::string displayKey() const {
        return std::to_string(state_.center) + "," + std::to_string(state_.width) + "," +
               std::to_string(static_cast<int>(state_.function)) + "," +
               std::to_string(state_.voiLut.value_or(-1)) + "," + std::to_string(state_.invert) +
               "," + state_.colormap + "," + pixel::stageName(state_.stage);
    }

    // The stored values of any resident frame of the stack (read back for GPU-only stacks).
    model::PixelBuffer valuesOf(int frame) {
        const model::Instance& in = session_->instanceOf(frame);
        return in.stored.empty() ? renderer_.readLayer(*session_->image(), session_->layerOf(frame))
                                 : in.stored.frame(session_->frameInInstance(frame));
    }

    // The Compare tab's difference image over the viewport (GPU vs CPU) or the image (values).
    void drawCompareOverlay(ImDrawList* list, ImVec2 origin, ImVec2 size) {
        const GLuint texture = compare_.differenceTexture();
        const std::string current =
            compare_.coversViewport() ? compareViewKey() : compareValuesKey();
        if (!compareOverlay_ || texture == 0 || compareShownView_ != current) {
            return;
        }
        if (compare_.coversViewport()) {
            list->AddImage(imguiTexture(texture), origin,
                           ImVec2(origin.x + size.x, origin.y + size.y));
        } else {
            drawOverImage(list, origin, size, texture);
        }
    }

    void markChanged() {
        dirty_ = true;
        stateChanged_ = true;
    }

    void drawWindowTab() {
        if (session_) {
            const viewer::ViewContext ctx = context(viewportSize_);
            if (ui::drawWindowPanel(state_, session_->instanceOf(state_.frame), presets_, ctx,
                                    colormapNames_)) {
                markChanged();
            }
            ImGui::Separator();
            int frame = state_.frame + 1;
            if (ImGui::SliderInt("Image", &frame, 1, std::max(1, state_.frameCount))) {
                viewer::goToFrame(state_, frame - 1);
                markChanged();
            }
            if (ImGui::Checkbox("Cine (C)", &state_.cine)) {
                lastCine_ = std::chrono::steady_clock::now();
                markChanged();
            }
            ImGui::SameLine();
            if (ImGui::Checkbox("Annotations", &state_.overlays)) {
                markChanged();
            }
            if (ImGui::Button("Fit (F)")) {
                viewer::fitView(state_);
                markChanged();
            }
            ImGui::SameLine();
            if (ImGui::Button("1:1 (0)")) {
                viewer::oneToOne(state_, ctx);
                markChanged();
            }
            ImGui::SameLine();
            if (ImGui::Button("Help (F1)")) {
                state_.showHelp = true;
            }
        }
    }

    void drawTags() { tags_.draw(); }

    void drawInfoTab() {
        if (session_) {
            const model::Instance& in = session_->instanceOf(state_.frame);
            ImGui::TextWrapped("%s", in.path.c_str());
            ImGui::Text("%s", in.transferSyntaxName.c_str());
            ImGui::Text("%s", in.sopClassName.c_str());
            ImGui::Text("%d x %d, %s, %d-bit stored (%s)", in.pixel.columns, in.pixel.rows,
                        in.pixel.photometricText.c_str(), in.pixel.bitsStored,
                        in.pixel.isSigned ? "signed" : "unsigned");
            ImGui::Text("GPU upload: %.1f MB",
                        static_cast<double>(renderer_.uploadedBytes()) / 1e6);
            if (const render::GpuImage* image = session_->image()) {
                ImGui::TextWrapped("%s", image->sharedMemory()
                                             ? "Layers: shared memory (the software GL driver "
                                               "samples the decoded values in place: nothing "
                                               "is uploaded)"
                                             : "Layers: textures");
            }
            const render::ProgramCache& programs = renderer_.programCache();
            ImGui::Text("Shader programs: %d from the cache, %d compiled", programs.counts().loaded,
                        programs.counts().compiled);
            if (ImGui::IsItemHovered()) {
                ImGui::SetTooltip("%s", programs.directory().empty()
                                            ? programs.unavailableBecause().c_str()
                                            : programs.directory().string().c_str());
            }
            const auto& g = session_->geometry();
            if (g.spacing > 0) {
                ImGui::Text("slice spacing %.3f mm", g.spacing);
            }
            for (const std::string& w : g.warnings) {
                ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "%s", w.c_str());
            }
        }
    }

    // Selects the panel named by --panel on the first frame, then leaves the choice to the user.
    ImGuiTabItemFlags tabFlags(const char* name) const {
        return options_.panel == name && !panelChosen_ ? ImGuiTabItemFlags_SetSelected : 0;
    }

    void drawSidePanel(ImVec2 pos, ImVec2 size) {
        ImGui::SetNextWindowPos(pos);
        ImGui::SetNextWindowSize(size);
        ImGui::Begin("##panels", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings);
        probeTabOpen_ = false;  // set again below while the Probe tab shows
        // Nine tabs do not fit the panel: full names that scroll, and a list of them all.
        if (ImGui::BeginTabBar("tabs", ImGuiTabBarFlags_FittingPolicyScroll |
                                           ImGuiTabBarFlags_TabListPopupButton)) {
            for (const Tab& tab : tabs()) {
                if (ImGui::BeginTabItem(tab.name, nullptr, tabFlags(tab.name))) {
                    (this->*tab.draw)();
                    ImGui::EndTabItem();
                }
            }
            ImGui::EndTabBar();
            panelChosen_ = true;
        }
        ImGui::End();
    }

    // Studies and series of the last opened files, and the loading progress of the shown one.
    void drawSeriesBrowser() {
        if (session_) {
            const auto p = session_->progress();
            const float fraction =
                p.total ? static_cast<float>(p.done) / static_cast<float>(p.total) : 1.0f;
            char text[128];
            std::snprintf(text, sizeof text, "%zu / %zu files, %.0f MB/s%s", p.done, p.total,
                          p.seconds > 0 ? static_cast<double>(p.bytes) / 1e6 / p.seconds : 0.0,
                          p.cancelled ? " (cancelled)" : "");
            ImGui::ProgressBar(fraction, ImVec2(-1, 0), text);
            if (!p.finished() && !p.cancelled && ImGui::Button("Cancel loading")) {
                session_->cancelLoading();
            }
        }
        std::string study;
        bool madeThumbnail = false;
        for (std::size_t i = 0; i < series_.size(); ++i) {
            const series::SeriesStack& s = series_[i];
            const model::Instance& first = *s.instances.front();
            if (first.studyInstanceUid != study || i == 0) {
                study = first.studyInstanceUid;
                ImGui::Separator();
                ImGui::TextDisabled("%s  %s  %s", first.patientName.c_str(),
                                    first.studyDate.c_str(), first.studyDescription.c_str());
            }
            const GLuint thumb = thumbnail(i, madeThumbnail);
            ImGui::PushID(static_cast<int>(i));
            if (ImGui::Selectable("##series", i == shownSeries_, 0,
                                  ImVec2(0, static_cast<float>(kThumbnail)))) {
                if (i != shownSeries_) {
                    show(i);
                }
            }
            ImGui::SameLine(4);
            if (thumb != 0) {
                ImGui::Image(imguiTexture(thumb), ImVec2(kThumbnail, kThumbnail), ImVec2(0, 1),
                             ImVec2(1, 0));
                rememberWidget("thumbnail " + std::to_string(i + 1));
            } else {
                ImGui::Dummy(ImVec2(kThumbnail, kThumbnail));
            }
            ImGui::SameLine();
            ImGui::BeginGroup();
            ImGui::TextUnformatted(first.seriesDescription.empty()
                                       ? "(no description)"
                                       : first.seriesDescription.c_str());
            ImGui::TextDisabled("%s, %zu images, %dx%d", first.modalityCode.c_str(), s.frameCount(),
                                first.pixel.columns, first.pixel.rows);
            ImGui::EndGroup();
            ImGui::PopID();
        }
    }

    // Stack i's thumbnail (app/series_thumbnails), or 0 while it is not made yet.
    GLuint thumbnail(std::size_t i, bool& madeOne) {
        const bool shown = i == shownSeries_ && session_ != nullptr;
        const SeriesThumbnails::Result r =
            thumbnails_.get(i, series_[i], shown ? session_.get() : nullptr, renderer_, madeOne);
        if (r.pending) {
            pendingFrames = std::max(pendingFrames, 1);  // try again next frame
        }
        if (!r.error.empty()) {
            errors_.push_back(r.error);
        }
        return r.texture;
    }

    void drawStatus(ImVec2 pos, ImVec2 size) {
        ImGui::SetNextWindowPos(pos);
        ImGui::SetNextWindowSize(size);
        ImGui::Begin("##status", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings);
        if (session_ && session_->resident(state_.frame) && cursorImage_) {
            const model::Instance& in = session_->instanceOf(state_.frame);
            const int frameIndex = session_->frameInInstance(state_.frame);
            const int ix = static_cast<int>(std::floor(cursorImage_->first));
            const int iy = static_cast<int>(std::floor(cursorImage_->second));
            if (ix >= 0 && iy >= 0 && ix < in.pixel.columns && iy < in.pixel.rows) {
                // The probe of the pixel under the cursor has its values already: no readback
                // from the GPU on every UI frame.
                const bool probed =
                    probe_ && probe_->frame == state_.frame && probe_->x == ix && probe_->y == iy;
                auto sample = [&](int c) {
                    if (probed) {
                        return c == 0 ? probe_->stored
                                      : probe_->samples[static_cast<std::size_t>(c)];
                    }
                    return session_->storedValue(state_.frame, ix, iy, c);
                };
                if (in.pixel.samplesPerPixel == 1) {
                    const std::int64_t s = sample(0);
                    const pixel::ModalityTransform m(in.modalityFor(frameIndex), in.pixel);
                    ImGui::Text("x %d  y %d  image %d   stored %lld   value %g %s", ix, iy,
                                state_.frame + 1, static_cast<long long>(s), m.apply(s),
                                in.modality.rescaleType.c_str());
                } else {
                    ImGui::Text("x %d  y %d  image %d   samples %lld %lld %lld", ix, iy,
                                state_.frame + 1, static_cast<long long>(sample(0)),
                                static_cast<long long>(sample(1)),
                                static_cast<long long>(sample(2)));
                }
            } else {
                ImGui::TextDisabled("outside the image");
            }
        } else if (!status_.empty()) {
            ImGui::TextUnformatted(status_.c_str());
        } else if (!errors_.empty()) {
            ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", errors_.back().c_str());
        } else {
            ImGui::TextDisabled("F1 or ? shows the shortcuts");
        }
        ImGui::End();
    }

    void drawMenu(bool& quit) {
        if (!ImGui::BeginMainMenuBar()) {
            return;
        }
        if (ImGui::BeginMenu("File")) {
            if (ImGui::MenuItem("Open...", "Ctrl+O")) {
                browser_.open(".");
            }
            if (ImGui::BeginMenu("Recent", !recent_.empty())) {
                for (const std::string& r : recent_) {
                    if (ImGui::MenuItem(r.c_str())) {
                        open({r});
                        break;
                    }
                }
                ImGui::EndMenu();
            }
            if (ImGui::MenuItem("Export view as PNG", nullptr, false,
                                session_ != nullptr && target_ != nullptr)) {
                exportView();
            }
            if (ImGui::MenuItem("Export view with annotations", "Ctrl+E", false,
                                session_ != nullptr)) {
                requestCapture();
            }
            if (ImGui::MenuItem("Export stored values (16-bit PNG)", nullptr, false,
                                session_ != nullptr)) {
                exportStored();
            }
            if (ImGui::MenuItem("Export tags as text", nullptr, false, session_ != nullptr)) {
                exportTags();
            }
            if (ImGui::MenuItem("Demo stack")) {
                setSeries({series::demoStack()});
                show(0);
            }
            if (ImGui::MenuItem("Quit")) {
                quit = true;
            }
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu("Help")) {
            if (ImGui::MenuItem("Shortcuts", "F1")) {
                state_.showHelp = true;
            }
            ImGui::EndMenu();
        }
        ImGui::EndMainMenuBar();
    }

    // Exports go to the current folder, named after the image; the status line says where.
    std::string exportName(const std::string& suffix) {
        const model::Instance& in = session_->instanceOf(state_.frame);
        const std::string stem = in.path.rfind("demo:", 0) == 0
                                     ? "demo"
                                     : std::filesystem::path(in.path).filename().string();
        return stem + "-" + std::to_string(state_.frame + 1) + suffix;
    }

    void exportView() {  // the image as shown, without annotations
        const std::string path = exportName("-view.png");
        try {
            io::writePng(path, target_->read(3));
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            status_ = "exported the view to " + path;
            lastExport_ = std::filesystem::absolute(path).string();
            stateChanged_ = true;
        } catch (const Error& e) {
            errors_.push_back(e.what());
            showErrors_ = true;
        }
    }

    // The viewport as it is on screen, annotations, overlays and measurements included: read from
    // the window's back buffer once the UI frame is drawn, two frames on (the menu has closed).
    void requestCapture() {
        captureTo_ = exportName("-annotated.png");
        captureIn_ = 2;
        pendingFrames = std::max(pendingFrames, 3);
    }

    // Called by the loop after the UI is drawn into the back buffer, before the swap.
    void captureIfRequested(int framebufferWidth, int framebufferHeight) {
        if (captureTo_.empty() || --captureIn_ > 0) {
            return;
        }
        int windowWidth = 1;
        int windowHeight = 1;
        glfwGetWindowSize(window_, &windowWidth, &windowHeight);
        const double sx = static_cast<double>(framebufferWidth) / std::max(1, windowWidth);
        const double sy = static_cast<double>(framebufferHeight) / std::max(1, windowHeight);
        const int x = static_cast<int>(std::lround(viewportOrigin_.x * sx));
        const int w = static_cast<int>(std::lround(viewportSize_.x * sx));
        const int h = static_cast<int>(std::lround(viewportSize_.y * sy));
        const int y = framebufferHeight - static_cast<int>(std::lround(viewportOrigin_.y * sy)) - h;
        std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * h * 4);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glReadBuffer(GL_BACK);
        glReadPixels(x, y, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
        pixel::Image image(w, h, 3);
        for (int row = 0; row < h; ++row) {
            for (int col = 0; col < w; ++col) {
                const std::uint8_t* p =
                    &rgba[(static_cast<std::size_t>(h - 1 - row) * w + col) * 4];
                std::copy_n(p, 3, image.pixel(col, row));
            }
        }
        try {
            io::writePng(captureTo_, image);
            status_ = "exported the view with annotations to " + captureTo_;
            lastExport_ = std::filesystem::absolute(captureTo_).string();
        } catch (const Error& e) {
            errors_.push_back(e.what());
            showErrors_ = true;
        }
        captureTo_.clear();
        stateChanged_ = true;
        pendingFrames = std::max(pendingFrames, 1);  // log the state
    }

    void
    exportStored() {  // the stored values, losslessly (the same format as `dcmlens export --raw`)
        const model::Instance& in = session_->instanceOf(state_.frame);
        if (in.pixel.samplesPerPixel != 1) {
            status_ =
                "lossless export from the viewer is for greyscale images: use dcmlens export --raw";
            return;
        }
        const model::PixelBuffer& values = frameValues();
        std::vector<std::uint16_t> words;
        for (std::size_t i = 0; i < values.frameSampleCount(); ++i) {
            words.push_back(static_cast<std::uint16_t>(values.at(0, i)));
        }
        const std::string path = exportName("-stored.png");
        try {
            if (model::sampleBytes(values.type()) > 2) {
                throw Error(
                    "values of more than 16 bits do not fit a 16-bit PNG: use dcmlens export "
                    "--raw");
            }
            const bool isSigned = model::isSignedType(values.type());
            io::writePng16(path, words.data(), values.width(), values.height(), 1,
                           isSigned ? "dcmlens-signed" : "", isSigned ? "1" : "");
            status_ = "exported the stored values to " + path;
        } catch (const Error& e) {
            errors_.push_back(e.what());
            showErrors_ = true;
        }
    }

    void exportTags() {
        const model::Instance& in = session_->instanceOf(state_.frame);
        if (in.path.rfind("demo:", 0) == 0) {
            status_ = "the demo stack has no tags";
            return;
        }
        const std::string path = exportName("-tags.txt");
        try {
            std::ofstream out(path);
            out << cli::dumpTags(dicom::DicomFile(in.path).tagTree());
            status_ = out ? "exported the tags to " + path : "cannot write " + path;
        } catch (const Error& e) {
            errors_.push_back(e.what());
            showErrors_ = true;
        }
    }

    void drawErrors() {
        if (!showErrors_ || errors_.empty()) {
            return;
        }
        ImGui::SetNextWindowSize(ImVec2(560, 0), ImGuiCond_Always);
        ImGui::SetNextWindowPos(ImVec2(40, 60), ImGuiCond_Always);
        if (ImGui::Begin("Could not open", &showErrors_, ImGuiWindowFlags_NoCollapse)) {
            const std::size_t first = errors_.size() > 12 ? errors_.size() - 12 : 0;
            for (std::size_t i = first; i < errors_.size(); ++i) {
                ImGui::TextWrapped("%s", errors_[i].c_str());
            }
            if (ImGui::Button("Close")) {
                showErrors_ = false;
            }
        }
        ImGui::End();
    }

    void advanceCine() {
        if (!state_.cine || !session_) {
            lastCine_ = std::chrono::steady_clock::now();
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        if (std::chrono::duration<double>(now - lastCine_).count() >= cineSeconds()) {
            lastCine_ = now;
            state_.frame = (state_.frame + 1) % std::max(1, state_.frameCount);
            markChanged();
        }
    }

    void logState() {
        if (!stateLog_.is_open()) {
            return;
        }
        int wx = 0;
        int wy = 0;
        glfwGetWindowPos(window_, &wx, &wy);
        cli::JsonWriter j;
        j.beginObject();
        j.key("frame").value(state_.frame);
        j.key("frames").value(state_.frameCount);
        j.key("center").value(state_.center);
        j.key("width").value(state_.width);
        j.key("function").value(model::voiFunctionName(state_.function));
        j.key("invert").value(state_.invert);
        j.key("colormap").value(state_.colormap);
        j.key("stage").value(pixel::stageName(state_.stage));
        j.key("last_export").value(lastExport_);
        std::size_t stackImages = 0;
        for (const series::SeriesStack& stack : series_) {
            stackImages += stack.instances.size();
        }
        j.key("presets").beginArray();
        for (const viewer::Preset& preset : presets_) {
            j.value(preset.name);
        }
        j.endArray();
        j.key("stacks").value(static_cast<unsigned long>(series_.size()));
        j.key("stack_files").value(static_cast<unsigned long>(stackImages));
        j.key("linear").value(state_.linear);
        j.key("pins").beginArray();
        for (const viewer::Pin& pin : state_.pins) {
            j.beginArray().value(pin.x).value(pin.y).value(pin.frame + 1).endArray();
        }
        j.endArray();
        j.key("fit").value(state_.fit);
        j.key("zoom").value(viewer::effectiveZoom(state_, context(viewportSize_)));
        j.key("pan").beginArray().value(state_.panX).value(state_.panY).endArray();
        j.key("cine").value(state_.cine);
        j.key("file").value(!session_ ? std::string() : session_->instanceOf(state_.frame).path);
        j.key("resident").value(session_ && session_->resident(state_.frame));
        j.key("loaded").value(session_ ? static_cast<int>(session_->progress().done) : 0);
        j.key("all_resident").value(session_ && session_->allResident());
        j.key("errors").value(static_cast<int>(errors_.size()));
        j.key("last_error").value(errors_.empty() ? std::string() : errors_.back());
        // Where the image viewport is on the screen, for tests that click into it.
        j.key("viewport")
            .beginArray()
            .value(static_cast<double>(wx + viewportOrigin_.x))
            .value(static_cast<double>(wy + viewportOrigin_.y))
            .value(static_cast<double>(viewportSize_.x))
            .value(static_cast<double>(viewportSize_.y))
            .endArray();
        j.key("value_range").beginArray().value(range_.min).value(range_.max).endArray();
        if (probe_) {
            j.key("probe")
                .beginObject()
                .key("x")
                .value(probe_->x)
                .key("y")
                .value(probe_->y)
                .key("frame")
                .value(probe_->frame + 1)
                .key("stored")
                .value(static_cast<long long>(probe_->stored))
                .key("modality")
                .value(probe_->modality)
                .key("voi")
                .value(probe_->voi)
                .key("output")
                .value(probe_->output)
                .key("kind")
                .value(probe_->kind == Probe::Kind::Grey
                           ? "grey"
                           : (probe_->kind == Probe::Kind::Palette ? "palette" : "colour"))
                .key("rgb")
                .beginArray()
                .value(static_cast<int>(probe_->rgb[0]))
                .value(static_cast<int>(probe_->rgb[1]))
                .value(static_cast<int>(probe_->rgb[2]))
                .endArray()
                .endObject();
        }
        if (const auto& d = compare_.difference()) {
            j.key("compare")
                .beginObject()
                .key("compared")
                .value(d->compared)
                .key("pixels")
                .value(static_cast<unsigned long>(d->pixels))
                .key("differing")
                .value(static_cast<unsigned long>(d->differing))
                .key("max_abs")
                .value(d->maxAbs)
                .key("mean")
                .value(d->mean)
                .endObject();
        }
        j.key("widgets").beginObject();
        for (const auto& [name, at] : widgets_) {
            j.key(name).beginArray().value(wx + static_cast<double>(at.x));
            j.value(wy + static_cast<double>(at.y)).endArray();
        }
        j.endObject();
        const viewer::ViewContext ctx = context(viewportSize_);
        j.key("image_size").beginArray().value(ctx.imageWidth).value(ctx.imageHeight).endArray();
        j.key("pixel_aspect").value(ctx.pixelAspect);
        j.endObject();
        stateLog_ << j.str() << std::endl;
    }

    // The user's display preferences persist in the config folder (settings.txt: key=value).
    void applySettings() {
        std::ifstream in(config_ + "/settings.txt");
        for (std::string line; std::getline(in, line);) {
            const auto eq = line.find('=');
            if (eq == std::string::npos) {
                continue;
            }
            const std::string key = line.substr(0, eq);
            const std::string value = line.substr(eq + 1);
            if (key == "colormap" && pixel::findColormap(value)) {
                state_.colormap = value;
            } else if (key == "interpolate") {
                state_.linear = value == "1";
            } else if (key == "annotations") {
                state_.overlays = value == "1";
            }
        }
    }

    void saveSettings() {
        const std::string now =
            state_.colormap + (state_.linear ? "1" : "0") + (state_.overlays ? "1" : "0");
        if (now == savedSettings_) {
            return;
        }
        savedSettings_ = now;
        std::ofstream out(config_ + "/settings.txt");
        out << "colormap=" << state_.colormap << "\ninterpolate=" << (state_.linear ? 1 : 0)
            << "\nannotations=" << (state_.overlays ? 1 : 0) << "\n";
    }

    void loadRecent() {
        std::ifstream in(config_ + "/recent.txt");
        for (std::string line; std::getline(in, line);) {
            if (!line.empty()) {
                recent_.push_back(line);
            }
        }
    }

    void addRecent(const std::string& path) {
        std::error_code ec;
        const std::string absolute = std::filesystem::absolute(path, ec).string();
        recent_.erase(std::remove(recent_.begin(), recent_.end(), absolute), recent_.end());
        recent_.insert(recent_.begin(), absolute);
        recent_.resize(std::min<std::size_t>(recent_.size(), 10));
        std::ofstream out(config_ + "/recent.txt");
        for (const std::string& r : recent_) {
            out << r << "\n";
        }
    }

    ViewerOptions options_;
    GLFWwindow* window_;
    std::string config_;
    render::Renderer renderer_;
    std::vector<series::SeriesStack> series_;  // the stacks of the last opened files
    std::size_t shownSeries_ = 0;
    std::unique_ptr<session::StackSession> session_;
    bool rangeKnown_ = false;
    bool percentileKnown_ = false;  // the presets include the shown image's 1-99 % window
    std::unique_ptr<render::Framebuffer> target_;
    std::map<std::pair<const model::Instance*, int>, GLuint> overlayTextures_;
    viewer::ViewerState state_;
    input::InputMapper mapper_;
    std::vector<viewer::Preset> presets_;
    pixel::ValueRange range_{0, 1};
    std::vector<std::string> colormapNames_;
    ui::TagPanel tags_;
    ui::FileBrowser browser_;
    std::vector<std::string> errors_;
    bool showErrors_ = false;
    std::vector<std::string> recent_;
    std::string savedSettings_;
    std::string status_;  // the last export's message, for the status line
    std::ofstream stateLog_;
    bool dirty_ = true;
    bool stateChanged_ = true;
    ImVec2 viewportOrigin_{0, 0};
    ImVec2 viewportSize_{1, 1};
    std::optional<std::pair<double, double>> cursorImage_;
    std::optional<Probe> probe_;
    std::string hexPath_;
    int hexFrame_ = -1;
    std::vector<std::uint8_t> hexBytes_;
    dicom::DicomFile::PixelLayout hexLayout_;
    std::string hexError_;
    ui::HexView hexView_;
    bool panelChosen_ = false;
    std::optional<model::Window> stageWindow_;  // for stageWindowFor_ (image, stage)
    std::pair<int, int> stageWindowFor_{-1, -1};
    std::string pinsKey_;  // what pinProbes_ were computed for
    std::vector<std::optional<Probe>> pinProbes_;
    static constexpr int kThumbnail = SeriesThumbnails::kSize;
    SeriesThumbnails thumbnails_;
    std::string captureTo_;  // an annotated export waiting for the frame to be drawn
    int captureIn_ = 0;
    std::string lastExport_;
    std::map<std::string, ImVec2> widgets_;  // screen centres of controls, for the state log
    ComparePanel compare_;
    int compareSource_ = 0;  // 0: another image of the stack, 1: a file, 2: GPU vs CPU
    int compareFrame_ = 1;
    char compareFile_[1024] = "";
    std::string compareFileChosen_;
    std::string compareFileLoaded_;
    std::string compareShownView_;  // the view the shown difference belongs to
    std::string compareFileError_;
    model::Instance compareFileInstance_;
    model::PixelBuffer compareFileFrame_;
    std::string compareView_;
    bool compareOverlay_ = false;
    int hexFragment_ = -1;  // -1: the frame's bytes; otherwise the fragment shown in hex
    int hexFragmentShown_ = -1;
    int bitPlane_ = -1;  // -1: the image; otherwise the bit plane shown over it
    GLuint bitPlaneTexture_ = 0;
    std::tuple<std::string, int, int> bitPlaneBuilt_;
    pixel::Histogram histogram_;
    model::PixelBuffer values_;
    int valuesFrame_ = -1;
    const session::StackSession* valuesSession_ = nullptr;
    std::array<double, 3> histogramStats_{};
    int histogramFrame_ = -1;
    const session::StackSession* histogramSession_ = nullptr;
    int histogramDrag_ = 0;
    std::array<double, 3> histogramDragStart_{};
    bool probeTabOpen_ = false;
    std::string rawPath_;
    int rawFrame_ = -1;
    model::PixelBuffer rawWords_;
    std::chrono::steady_clock::time_point lastCine_ = std::chrono::steady_clock::now();
};

// Any input: draw a few frames so ImGui settles (hover states, animations), then wait again.
void onActivity(GLFWwindow*) {
    pendingFrames = 3;
}
void onKey(GLFWwindow* w, int key, int, int action, int mods) {
    onActivity(w);
    // Queued here rather than polled through ImGui: Dear ImGui 1.86 misses a press and release
    // that arrive between two frames (fast typists, xdotool).
    std::lock_guard<std::mutex> lock(droppedMutex);
    keyQueue.push_back({key, action, mods});
}
void onChar(GLFWwindow* w, unsigned int) {
    onActivity(w);
}
void onButton(GLFWwindow* w, int button, int action, int) {
    onActivity(w);
    if (action == GLFW_PRESS && button >= 0 && button < 3) {
        pressPosition[button] = cursorPosition;  // where the press happened, not where the pointer
                                                 // is when the next frame polls it
    }
}
void onCursor(GLFWwindow* w, double x, double y) {
    onActivity(w);
    cursorPosition = ImVec2(static_cast<float>(x), static_cast<float>(y));
}
void onScroll(GLFWwindow* w, double, double) {
    onActivity(w);
}
void onSize(GLFWwindow* w, int, int) {
    onActivity(w);
}

}  // namespace

int runViewer(const ViewerOptions& options) {
    if (!options.panel.empty() && !Viewer::hasTab(options.panel)) {
        std::string names;
        for (const auto& tab : Viewer::tabs()) {
            names += (names.empty() ? "" : ", ") + std::string(tab.name);
        }
        std::cerr << "dcmlens: unknown panel '" << options.panel << "' (panels: " << names << ")"
                  << std::endl;
        return 2;
    }
    // DCMTK's data dictionary loads while the window opens, not when the first folder does.
    struct Joined {
        std::thread thread;
        ~Joined() { thread.join(); }
    } warmUp{std::thread(dicom::warmUp)};
    glfwSetErrorCallback([](int, const char* description) {
        std::cerr << "dcmlens: window system: " << description << std::endl;
    });
    if (!glfwInit()) {
        std::cerr << "dcmlens: cannot open a window (no display?); the command-line tools work "
                     "without one"
                  << std::endl;
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    GLFWwindow* window =
        glfwCreateWindow(options.width, options.height, "dcmlens", nullptr, nullptr);
    if (window == nullptr) {
        glfwTerminate();
        std::cerr << "dcmlens: cannot create an OpenGL 3.3 window" << std::endl;
        return 1;
    }
    glfwSetWindowPos(window, 0, 0);
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    if (gladLoadGL(reinterpret_cast<GLADloadfunc>(glfwGetProcAddress)) == 0) {
        std::cerr << "dcmlens: cannot load OpenGL functions" << std::endl;
        return 1;
    }
    // Our callbacks first: ImGui's backend chains to them.
    glfwSetDropCallback(window, onDrop);
    glfwSetKeyCallback(window, onKey);
    glfwSetCharCallback(window, onChar);
    glfwSetMouseButtonCallback(window, onButton);
    glfwSetCursorPosCallback(window, onCursor);
    glfwSetScrollCallback(window, onScroll);
    glfwSetWindowSizeCallback(window, onSize);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    const std::string config = configFolder(options.configDir);
    const std::string iniPath = config + "/imgui.ini";
    ImGui::GetIO().IniFilename = iniPath.c_str();  // panel layout persists in the XDG config folder
    ImGui::StyleColorsDark();
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    int code = 0;
    {
        std::unique_ptr<Viewer> viewer;
        try {
            viewer = std::make_unique<Viewer>(options, window);
        } catch (const std::exception& e) {
            std::cerr << "dcmlens: " << e.what() << std::endl;
            code = 1;
        }
        while (viewer && !glfwWindowShouldClose(window)) {
            if (viewer->animating()) {
                glfwWaitEventsTimeout(viewer->cineSeconds() / 2);
                pendingFrames = std::max(pendingFrames, 1);
            } else if (pendingFrames <= 0) {
                glfwWaitEvents();  // idle: no CPU until something happens
            } else {
                glfwPollEvents();
            }
            pendingFrames -= 1;
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            if (!viewer->frame()) {
                glfwSetWindowShouldClose(window, GLFW_TRUE);
            }
            ImGui::Render();
            int w = 0;
            int h = 0;
            glfwGetFramebufferSize(window, &w, &h);
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            glViewport(0, 0, w, h);
            glClearColor(0.08f, 0.08f, 0.09f, 1);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            viewer->afterRender(w, h);  // an annotated export reads the drawn frame
            glfwSwapBuffers(window);
        }
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return code;
}

}  // namespace dcmlens::app
