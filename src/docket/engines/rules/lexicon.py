"""A generic business-document thesaurus: concept groups of near-synonymous label words.

Each group is one thing documents print labels for: on invoices, receipts, statements,
contracts, forms and reports alike, in business English and a few common European languages.
The groups are about documents in general, never about one benchmark's field names; a word
may sit in several groups ("bill" names a document and, in "Bill to", the customer).
"""

from __future__ import annotations


def _g(text: str) -> frozenset[str]:
    return frozenset(text.split())


GROUPS: list[frozenset[str]] = [
    # money owed or paid
    _g(
        "total amount sum grand payable due balance net netto paid pay payment owed owe owing "
        "outstanding remit remittance totaal gesamt summe betrag bedrag montant importe totale "
        "gesamtbetrag"
    ),
    _g("subtotal untaxed excluding excl exclusive pretax subtotaal zwischensumme exclusief"),
    _g("date dated day issued issue time datum fecha data"),
    # whoever issues the document or sells
    _g(
        "company vendor merchant store shop seller supplier issuer business organisation "
        "organization firm retailer restaurant provider payee trader dealer biller "
        "contractor trading brand lieferant fournisseur leverancier proveedor"
    ),
    # whoever receives it or buys
    _g(
        "customer client buyer purchaser recipient consignee bill billed payer addressee "
        "patron kunde klant acheteur cliente"
    ),
    _g("address location street addr located premise postcode zip postal situated adresse"),
    _g("city town municipality place ort ville"),
    _g("number no num nr id ref reference code identifier ident serial nummer numero numéro n° nº"),
    _g("phone tel telephone mobile cell contact fax hotline telefon"),
    _g("email mail e-mail courriel"),
    _g("website web url www site homepage"),
    _g("tax vat gst sst taxes btw mwst tva iva ust steuer duty levy"),
    _g(
        "invoice bill receipt statement factuur rechnung facture fattura factura slip voucher "
        "ticket"
    ),
    _g("price rate cost unit fee charge tariff prijs preis prix precio"),
    _g("quantity qty count pieces pcs many quantité menge aantal cantidad"),
    _g(
        "description item product article service detail particulars goods designation "
        "commodity omschrijving beschreibung artikel"
    ),
    _g("party parties counterparty signatory between contracting bound undersigned"),
    _g(
        "jurisdiction governing law laws governed venue state country construed applicable "
        "forum courts court choice"
    ),
    _g("term duration period length years months remain remains lasts"),
    _g("effective commencement start begin entered force commence starts"),
    _g("expiry expiration expires expire end ends until termination valid validity"),
    _g("discount rebate reduction allowance"),
    _g("currency ccy money denomination devise währung"),
    _g("name title called named"),
    _g("bank iban account swift bic routing"),
    _g("order po purchase bestellung commande"),
    _g("method tender card cash payment"),
    _g("delivery shipping shipment freight carriage dispatch"),
    _g("cashier clerk operator staff served server employee attendant"),
    _g("note notes remark remarks comment comments memo"),
    _g("signature signed sign signatory"),
    _g("birth born dob birthday"),
    _g("percent percentage pct"),
    _g("weight kg mass"),
]

# Words that qualify another ("line total", "price each", "prijs per stuk"): one of them that
# the other side lacks (field name or printed label) costs half a missing word.
MODIFIERS = _g(
    "line each single per final overall full actual piece stuk stück stk unitaire unitario"
)

# Endings tried when a word is not itself in a group ("billed" → bill, "owes" → owe).
SUFFIXES = ("ies", "ing", "ed", "es", "s", "d", "er", "ers")
