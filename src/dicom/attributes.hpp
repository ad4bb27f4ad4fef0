#pragma once

// Internal to dicom/: reads DCMTK datasets into the model. Includes DCMTK.

#include <dcmtk/dcmdata/dcitem.h>

#include <optional>
#include <string>
#include <vector>

#include "model/instance.hpp"

namespace dcmlens::dicom {

std::optional<std::string> getString(DcmItem& item, const DcmTagKey& tag, unsigned long pos = 0);
std::optional<double> getNumber(DcmItem& item, const DcmTagKey& tag, unsigned long pos = 0);
std::optional<long> getInteger(DcmItem& item, const DcmTagKey& tag, unsigned long pos = 0);
unsigned long valueCount(DcmItem& item, const DcmTagKey& tag);
DcmItem* firstItem(DcmItem& item, const DcmTagKey& sequence);

// Fills everything but `stored` and the transfer syntax from the dataset.
void readAttributes(DcmItem& dataset, model::Instance& out);

}  // namespace dcmlens::dicom
