#include <cstdio>

#include "app/panels/panel.hpp"
#include "common/error.hpp"

namespace dcmlens::app {

// Inside the pixel data: transfer syntax, native or encapsulated, the Basic Offset Table and
// fragments, and a hex view of the shown frame's bytes as the file holds them, with the bytes
// of the pixel under the cursor highlighted (native data); the stage and bit-plane views.
void PixelDataTab::draw(AppContext& ctx) {
    session::StackSession* session = ctx.activeSessionOrSay();
    if (!session) {
        return;
    }
    workspace::Viewport& v = ctx.active();
    const model::Instance& in = session->instanceOf(v.view.frame);
    const bool grey =
        in.pixel.samplesPerPixel == 1 && in.pixel.photometric != model::Photometric::PaletteColor;
    if (grey) {
        using Stage = pixel::DisplayOptions::Stage;
        const char* labels[] = {"display output", "VOI output (before polarity)",
                                "modality values (min-max)", "stored values (min-max)"};
        int stage = static_cast<int>(v.view.stage);
        if (ImGui::Combo("image shows (S)", &stage, labels, 4)) {
            v.view.stage = static_cast<Stage>(stage);
        }
    } else {
        ImGui::TextDisabled("stage view: greyscale images only");
    }
    int plane = v.view.bitPlane;
    if (ImGui::SliderInt("bit plane", &plane, -1, in.pixel.bitsAllocated - 1,
                         plane < 0 ? "off" : "bit %d")) {
        v.view.bitPlane = plane;
    }
    if (in.path.rfind("demo:", 0) == 0) {
        ImGui::TextDisabled("the demo stack has no file");
        return;
    }
    const int f = session->frameInInstance(v.view.frame);
    if (path_ != in.path || frame_ != f || fragment_ != fragmentShown_) {
        if (path_ != in.path) {
            fragment_ = -1;
        }
        path_ = in.path;
        frame_ = f;
        fragmentShown_ = fragment_;
        error_.clear();
        try {
            const std::unique_ptr<dicom::DicomFile> file = dicom::openInstance(in);
            layout_ = file->pixelLayout();
            bytes_ = fragment_ >= 0 ? file->fragmentData(fragment_) : file->frameData(f);
        } catch (const Error& e) {
            bytes_.clear();
            error_ = e.what();
        }
    }
    if (v.view.bitPlane >= 0) {
        ImGui::TextWrapped("the image shows bit %d of each %s word (Bits Stored: bits %d-%d)",
                           v.view.bitPlane, layout_.encapsulated ? "decoded" : "stored",
                           in.pixel.highBit - in.pixel.bitsStored + 1, in.pixel.highBit);
    }
    ImGui::Separator();
    ImGui::TextWrapped("%s (%s)", in.transferSyntaxName.c_str(), in.transferSyntaxUid.c_str());
    if (!error_.empty()) {
        ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", error_.c_str());
        return;
    }
    std::size_t highlight = ui::HexView::kNone;
    std::size_t highlightLength = 0;
    if (layout_.encapsulated) {
        ImGui::TextWrapped("encapsulated: offset table of %zu entries, %zu fragments",
                           layout_.offsetTable.size(), layout_.fragments.size());
        if (f < static_cast<int>(layout_.frameFragments.size())) {
            const auto [first, count] = layout_.frameFragments[static_cast<std::size_t>(f)];
            ImGui::TextWrapped("this frame: fragments %d-%d, %zu bytes of codestream", first + 1,
                               first + count, bytes_.size());
        }
        if (ImGui::TreeNode("fragments (select one for its bytes)")) {
            if (ImGui::Selectable("this frame's codestream", fragment_ < 0)) {
                fragment_ = -1;
            }
            for (std::size_t i = 0; i < layout_.fragments.size(); ++i) {
                char label[96];
                std::snprintf(label, sizeof label, "%zu: offset %llu, %u bytes", i + 1,
                              static_cast<unsigned long long>(layout_.fragments[i].offset),
                              layout_.fragments[i].length);
                if (ImGui::Selectable(label, fragment_ == static_cast<int>(i))) {
                    fragment_ = static_cast<int>(i);
                }
            }
            ImGui::TreePop();
        }
        ImGui::Text("hex: %s (%zu bytes)",
                    fragment_ < 0 ? "the frame's codestream"
                                  : ("fragment " + std::to_string(fragment_ + 1)).c_str(),
                    bytes_.size());
    } else {
        const int bytesPerSample = std::max(1, in.pixel.bitsAllocated / 8);
        ImGui::TextWrapped(
            "native, %d-bit words, little-endian as shown%s", in.pixel.bitsAllocated,
            in.transferSyntaxUid == "1.2.840.10008.1.2.2" ? " (the file is big endian)" : "");
        const std::optional<Probe>& probe = ctx.probe;
        if (probe && probe->viewport == ctx.viewports.active() && probe->frame == v.view.frame &&
            in.pixel.bitsAllocated >= 8) {
            const std::size_t pixel =
                static_cast<std::size_t>(probe->y) * in.pixel.columns + probe->x;
            highlight = pixel * static_cast<std::size_t>(bytesPerSample) *
                        (in.pixel.planarConfiguration == 1
                             ? 1
                             : static_cast<std::size_t>(in.pixel.samplesPerPixel));
            highlightLength = static_cast<std::size_t>(bytesPerSample);
            ImGui::Text("pixel (%d, %d): bytes %zu-%zu", probe->x, probe->y, highlight,
                        highlight + highlightLength - 1);
        }
    }
    ImGui::Separator();
    hex_.draw(bytes_, highlight, highlightLength);
}

}  // namespace dcmlens::app
