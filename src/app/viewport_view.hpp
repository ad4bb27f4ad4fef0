#pragma once

#include <imgui.h>

#include <functional>
#include <optional>

#include "app/app_context.hpp"
#include "app/overlay_textures.hpp"
#include "app/raw_words.hpp"
#include "viewer/layout.hpp"

namespace dcmlens::app {

// Draws the viewports of the layout as ImGui windows: each one's framebuffer, then over it the
// DICOM overlays, the bit plane, measurements, pins, the reference line of the active viewport's
// slice, the corner text, and its frame; a series can be dropped on it (from the Series tab) or
// chosen from its own menu. Input is not handled here: the App dispatches the window system's
// events to the viewport under the pointer (hovered() says which).
class ViewportView {
public:
    // Draws viewport k into `cell` (screen coordinates). `overlay` draws extra things over the
    // image (the Compare tab's difference) with the viewport's draw list.
    void draw(AppContext& ctx, int k, const viewer::Rect& cell,
              const std::function<void(ImDrawList*, ImVec2, ImVec2)>& overlay);
    // The viewport under the pointer this frame (none over panels, menus and popups).
    std::optional<int> hovered() const { return hovered_; }
    void beginFrame() {
        hovered_.reset();
        textures_.sweep();
    }
    // The image rectangle of a viewport on the screen as four corners (for images laid over).
    static void imageQuad(const workspace::ViewportSet& set, const workspace::Workspace& ws,
                          const workspace::Viewport& v, ImVec2 origin, ImVec2 size, ImVec2 out[4]);
    RawWords& rawWords() { return raw_; }
    // The extra lines of viewport k's corner text: the stage or bit plane shown, the active tool,
    // cine (what the image shows that its pixels alone do not say).
    static std::vector<std::string> cornerNotes(const AppContext& ctx, int k);

private:
    void drawOverlays(AppContext& ctx, int k, ImDrawList* list, ImVec2 origin, ImVec2 size);
    void drawMeasurements(AppContext& ctx, int k, ImDrawList* list, ImVec2 origin, ImVec2 size);
    // plane_overlays.cpp: an MPR viewport's background (stripes where slices are missing) and
    // what goes over its plane.
    static void drawPlaneBackground(ImDrawList* list, ImVec2 origin, ImVec2 size);
    static void drawPlaneOverlays(AppContext& ctx, int k, ImDrawList* list, ImVec2 origin,
                                  ImVec2 size);
    void seriesMenu(AppContext& ctx, int k);
    std::optional<int> hovered_;
    OverlayTextures textures_;
    RawWords raw_;
};

}  // namespace dcmlens::app
