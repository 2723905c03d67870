"""The fields of a shipment record: who, where, and which way the goods travel.

Shared by the shipment parser (shipments.py) and the document-kind detector
(sniff.py), which tells a shipment CSV from a passenger manifest by its columns.
"""

from __future__ import annotations

from .document import COUNTRY, DESTINATION, ORIGIN

PARTIES = {"shipper": ORIGIN, "consignee": DESTINATION, "notify_party": DESTINATION, "carrier": COUNTRY}
PLACES = {
    "port_of_loading": ORIGIN,
    "place_of_receipt": ORIGIN,
    "port_of_discharge": DESTINATION,
    "place_of_delivery": DESTINATION,
}
COUNTRIES = {"origin_country": ORIGIN, "destination_country": DESTINATION}
TOP_KEYS = (
    {"reference", "vessel", "goods_description", "transshipment_ports", "hs_codes", "incoterms", "date"}
    | set(PARTIES)
    | set(PLACES)
    | set(COUNTRIES)
)
