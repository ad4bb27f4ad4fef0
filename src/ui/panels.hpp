#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <imgui.h>

#include "model/instance.hpp"
#include "viewer/commands.hpp"
#include "viewer/viewer_state.hpp"

namespace dcmlens::ui {

// Window/level panel: center/width fields and sliders, the file's windows with their
// explanations, presets (number keys), VOI function, VOI LUT items, invert, colormaps.
// Returns true when it changed the state.
bool drawWindowPanel(viewer::ViewerState& state, const model::Instance& instance,
                     const std::vector<viewer::Preset>& presets, const viewer::ViewContext& ctx,
                     const std::vector<std::string>& colormaps);

// Tag panel: the whole tree (sequences expandable, private tags with their creator), a filter on
// tag number, keyword or value, and copying a value to the clipboard. Only visible rows are laid
// out (ImGuiListClipper), so thousands of elements stay fast.
class TagPanel {
public:
    void setTags(std::vector<model::TagNode> tags);
    void draw();

private:
    struct Row {
        const model::TagNode* node;
        int depth;
        std::string id;  // path of indices, stable across frames
        bool isItem;
        int itemIndex;
    };
    void collect(const std::vector<model::TagNode>& nodes, int depth, const std::string& prefix,
                 std::vector<Row>& rows) const;
    bool matches(const model::TagNode& node) const;
    std::vector<model::TagNode> tags_;
    std::set<std::string> open_;
    char filter_[128] = "";
};

// Corner text, orientation markers and a scale bar over the image.
void drawAnnotations(ImDrawList* list, ImVec2 origin, ImVec2 size, const viewer::ViewerState& state,
                     const viewer::ViewContext& ctx, const model::Instance& instance,
                     int frameCount, const std::string& description);

// A hex dump of bytes, 16 per row with their offset; only visible rows are laid out. The bytes
// [highlight, highlight + length) are lit, and the view scrolls to them when they change.
class HexView {
public:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    void draw(const std::vector<std::uint8_t>& bytes, std::size_t highlight = kNone,
              std::size_t length = 0);

private:
    std::size_t scrolledTo_ = kNone;
};

// The keyboard and mouse shortcuts.
void drawHelp(bool* open);

// A file and folder browser (Ctrl+O). Returns a path when the user opens one.
class FileBrowser {
public:
    void open(const std::string& start);
    std::string draw();
    bool visible() const { return visible_; }

private:
    bool visible_ = false;
    bool focusPath_ = false;
    std::string folder_;
    std::string selected_;
    char pathField_[1024] = "";
};

}  // namespace dcmlens::ui
