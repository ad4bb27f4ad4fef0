#include "app/panels/panel.hpp"

namespace dcmlens::app {

std::vector<std::unique_ptr<Panel>> makePanels(RawWords& raw) {
    std::vector<std::unique_ptr<Panel>> panels;
    panels.push_back(std::make_unique<WindowTab>());
    panels.push_back(std::make_unique<ProbeTab>(raw));
    panels.push_back(std::make_unique<MeasureTab>());
    panels.push_back(std::make_unique<MprTab>());
    panels.push_back(std::make_unique<HistogramTab>());
    panels.push_back(std::make_unique<PixelDataTab>());
    panels.push_back(std::make_unique<CompareTab>());
    panels.push_back(std::make_unique<SeriesTab>());
    panels.push_back(std::make_unique<TagsTab>());
    panels.push_back(std::make_unique<InfoTab>());
    return panels;
}

const std::vector<std::string>& panelNames() {
    static const std::vector<std::string> names = {"Window",    "Probe",      "Measure", "MPR",
                                                   "Histogram", "Pixel data", "Compare", "Series",
                                                   "Tags",      "Info"};
    return names;
}

}  // namespace dcmlens::app
