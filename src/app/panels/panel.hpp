#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/app_context.hpp"
#include "app/compare_panel.hpp"
#include "app/gl_image.hpp"
#include "app/raw_words.hpp"
#include "app/series_thumbnails.hpp"
#include "app/viewport_view.hpp"
#include "dicom/dicom_file.hpp"
#include "pixel/auto_window.hpp"
#include "ui/panels.hpp"

namespace dcmlens::app {

// One tab of the side panel: it draws from the active viewport (and the workspace) and changes
// them; the App keeps them in a registry, in tab order, and `--panel NAME` opens one.
class Panel {
public:
    virtual ~Panel() = default;
    virtual const char* name() const = 0;
    virtual void draw(AppContext& ctx) = 0;
};

// The window, the display pipeline and the view of the active viewport; cine.
class WindowTab final : public Panel {
public:
    const char* name() const override { return "Window"; }
    void draw(AppContext& ctx) override;
};

// Every stage of the pixel under the cursor and of the pinned pixels.
class ProbeTab final : public Panel {
public:
    explicit ProbeTab(RawWords& raw) : raw_(raw) {}
    const char* name() const override { return "Probe"; }
    void draw(AppContext& ctx) override;

private:
    void drawPins(AppContext& ctx);
    static void drawPlaneProbe(const Probe& probe);
    RawWords& raw_;
    std::string pinsKey_;  // what pinProbes_ were computed for
    std::vector<std::optional<Probe>> pinProbes_;
};

// The measuring tools, the measurements of the active viewport (this image's first), profiles.
class MeasureTab final : public Panel {
public:
    const char* name() const override { return "Measure"; }
    void draw(AppContext& ctx) override;
};

// The frame's modality values with the window over them (drag its edges).
class HistogramTab final : public Panel {
public:
    const char* name() const override { return "Histogram"; }
    void draw(AppContext& ctx) override;

private:
    std::tuple<int, int, int> for_{-1, 0, -1};  // series, session serial, frame
    pixel::Histogram histogram_;
    std::array<double, 3> stats_{};  // n, mean, SD
    int drag_ = 0;                   // 1 left edge, 2 right edge, 3 the window
    std::array<double, 3> dragStart_{};
};

// Transfer syntax, fragments, the hex view of the frame's bytes, the stage and bit-plane views.
class PixelDataTab final : public Panel {
public:
    const char* name() const override { return "Pixel data"; }
    void draw(AppContext& ctx) override;

private:
    std::string path_;
    int frame_ = -1;
    int fragment_ = -1;  // -1: the frame's bytes; otherwise the fragment shown in hex
    int fragmentShown_ = -1;
    std::vector<std::uint8_t> bytes_;
    dicom::DicomFile::PixelLayout layout_;
    std::string error_;
    ui::HexView hex_;
};

// This image against another image or file, or the GPU's view against the CPU reference.
class CompareTab final : public Panel {
public:
    const char* name() const override { return "Compare"; }
    void draw(AppContext& ctx) override;
    // The difference laid over the active viewport, when the user asked for it.
    void drawOverlay(AppContext& ctx, ImDrawList* list, ImVec2 origin, ImVec2 size);
    const std::optional<pixel::FrameDifference>& difference() const {
        return compare_.difference();
    }

private:
    std::string valuesKey(AppContext& ctx) const;
    std::string viewKey(AppContext& ctx) const;
    ComparePanel compare_;
    int source_ = 0;  // 0: another image of the stack, 1: a file, 2: GPU vs CPU
    int frameB_ = 1;
    char file_[1024] = "";
    std::string fileChosen_;
    std::string fileLoaded_;
    std::string fileError_;
    model::Instance fileInstance_;
    model::PixelBuffer fileFrame_;
    std::string view_;       // the view the GPU-vs-CPU result is for
    std::string pending_;    // the view seen on the previous UI frame
    std::string shownView_;  // the view or values the shown difference belongs to
    bool overlay_ = false;
};

// The opened series (thumbnails, drag one onto a viewport), loading progress, opens in progress.
class SeriesTab final : public Panel {
public:
    const char* name() const override { return "Series"; }
    void draw(AppContext& ctx) override;

private:
    SeriesThumbnails thumbnails_;
};

// The shown image's tags (and the shown frame's functional groups).
class TagsTab final : public Panel {
public:
    const char* name() const override { return "Tags"; }
    void draw(AppContext& ctx) override;
    // What the tab shows (the state log): the file and frame, and a top-level element's value.
    const std::string& shownFile() const { return path_; }
    int shownFrame() const { return frame_; }
    std::string value(std::uint16_t group, std::uint16_t element) const;

private:
    std::string path_;
    int frame_ = -1;
    ui::TagPanel tags_;
    std::vector<model::TagNode> shown_;
    std::string error_;
};

// The file, its syntax, how the stack is held, shader programs, geometry warnings.
class InfoTab final : public Panel {
public:
    const char* name() const override { return "Info"; }
    void draw(AppContext& ctx) override;
};

// MPR: the layout, the active viewport's plane, slab and projection, the crosshair.
class MprTab final : public Panel {
public:
    const char* name() const override { return "MPR"; }
    void draw(AppContext& ctx) override;
};

// The tabs in order.
std::vector<std::unique_ptr<Panel>> makePanels(RawWords& raw);
const std::vector<std::string>& panelNames();

}  // namespace dcmlens::app
