/*
 * Helpers of the invoice form.
 *
 * The service-location picker offers only the chosen customer's locations, and picking an item on a line fills the
 * line's description, unit price and taxable box from the item when the line has none of its own yet.
 */
'use strict';
{
    const $ = django.jQuery;

    function customerId() {
        return document.getElementById('id_customer')?.value || '';
    }

    // Django's autocomplete requests say which field asks; for the location field, also say which customer.
    $.ajaxPrefilter((options) => {
        if (typeof options.data === 'string' && /(^|&)field_name=service_location(&|$)/.test(options.data)
            && /\/autocomplete\//.test(options.url)) {
            options.data += `&customer=${encodeURIComponent(customerId())}`;
        }
    });

    function clearLocationWhenCustomerChanges() {
        let current = customerId();
        $('#id_customer').on('change', () => {
            if (customerId() !== current) {
                current = customerId();
                $('#id_service_location').val(null).trigger('change');
            }
        });
    }

    async function fillLineFromItem(select) {
        const row = select.closest('.form-row');
        const itemId = select.value;
        if (!row || !itemId) {
            return;
        }
        const response = await fetch(`/api/v1/items/${encodeURIComponent(itemId)}/`, {
            credentials: 'same-origin', headers: {Accept: 'application/json'},
        });
        if (!response.ok) {
            return;  // Without permission to view items, the line is simply left as typed.
        }
        const item = await response.json();
        const field = (name) => row.querySelector(`[name$="-${name}"]`);
        const description = field('description');
        const unitPrice = field('unit_price');
        const taxable = field('taxable');
        if (description && !description.value.trim()) {
            description.value = item.description || item.name;
        }
        if (unitPrice && (!unitPrice.value.trim() || Number(unitPrice.value) === 0)) {
            unitPrice.value = item.sales_price;
        }
        if (taxable && !row.dataset.itemFilled) {
            taxable.checked = Boolean(item.taxable);
        }
        row.dataset.itemFilled = 'yes';
        // The live totals listen to input events.
        unitPrice?.dispatchEvent(new Event('input', {bubbles: true}));
    }

    $(document).ready(() => {
        clearLocationWhenCustomerChanges();
        $(document).on('change', 'select[name^="lines-"][name$="-item"]', (event) => fillLineFromItem(event.target));
    });
}
