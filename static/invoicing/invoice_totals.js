/*
 * Live totals of the invoice form.
 *
 * Recomputes each line's amount and the subtotal, tax, total and balance as the lines, the payments or the tax rate
 * change. The arithmetic is that of apps/invoicing/calculations.py: amounts are rounded to the cent half away from
 * zero, and tax is computed once on the sum of the taxable lines. Numbers are exact decimals held as BigInt, never
 * floats, so that the page agrees to the cent with what the server stores on save.
 *
 * A saved invoice shows the server's figures, which may be QuickBooks' (it charged its own tax): they are never
 * recomputed on load, and come back whenever the inputs they depend on are as they were saved.
 */
'use strict';
{
    const ZERO = {units: 0n, scale: 0};

    // "1,234.5" → {units: 12345n, scale: 1}; anything that is not a number counts as zero.
    function parseDecimal(text) {
        const cleaned = String(text ?? '').replace(/[\s,$]/g, '');
        const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(cleaned);
        if (!match || !(match[2] || match[3])) {
            return ZERO;
        }
        const fraction = match[3] || '';
        const units = BigInt((match[2] || '0') + fraction);
        return {units: match[1] === '-' ? -units : units, scale: fraction.length};
    }

    function multiply(a, b) {
        return {units: a.units * b.units, scale: a.scale + b.scale};
    }

    // A decimal to whole cents, half away from zero (Python's ROUND_HALF_UP).
    function toCents(value) {
        if (value.scale <= 2) {
            return value.units * 10n ** BigInt(2 - value.scale);
        }
        const divisor = 10n ** BigInt(value.scale - 2);
        const negative = value.units < 0n;
        const magnitude = negative ? -value.units : value.units;
        let cents = magnitude / divisor;
        if ((magnitude % divisor) * 2n >= divisor) {
            cents += 1n;
        }
        return negative ? -cents : cents;
    }

    // 123456n cents → "$1,234.56", like format_money in the admin.
    function formatCents(cents) {
        const negative = cents < 0n;
        const magnitude = negative ? -cents : cents;
        const whole = (magnitude / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        const fraction = (magnitude % 100n).toString().padStart(2, '0');
        return `${negative ? '-' : ''}$${whole}.${fraction}`;
    }

    function readConfig() {
        const element = document.getElementById('invoice-totals-config');
        return element ? JSON.parse(element.textContent) : null;
    }

    /*
     * The rows of an inline formset that will be saved: not the template row, not the ones ticked for deletion.
     * Null when the formset is not (entirely) editable on this page, e.g. for a person who may only view: then
     * the page has no inputs to compute from and the saved figures stand.
     */
    function liveRows(prefix, requiredField) {
        if (!document.getElementById(`id_${prefix}-TOTAL_FORMS`)) {
            return null;
        }
        const group = document.getElementById(`${prefix}-group`);
        const rows = Array.from(group.querySelectorAll(`.form-row[id^="${prefix}-"]`)).filter((row) => {
            if (row.classList.contains('empty-form') || row.id === `${prefix}-empty`) {
                return false;
            }
            const deletion = row.querySelector('input[name$="-DELETE"]');
            return !(deletion && deletion.checked);
        });
        const editable = rows.every((row) => row.querySelector(`[name$="-${requiredField}"]`));
        return editable ? rows : null;
    }

    function fieldValue(row, name) {
        const input = row.querySelector(`[name$="-${name}"]`);
        return input ? input.value : '';
    }

    function setTotal(name, cents) {
        document.querySelectorAll(`[data-invoice-total="${name}"]`).forEach((element) => {
            element.textContent = formatCents(cents);
        });
    }

    function recompute(config) {
        const lines = liveRows('lines', 'quantity');
        if (!lines) {
            return;
        }
        let subtotal = 0n;
        let taxableBase = 0n;
        for (const row of lines) {
            const amount = toCents(multiply(parseDecimal(fieldValue(row, 'quantity')), parseDecimal(fieldValue(row, 'unit_price'))));
            const display = row.querySelector('[data-line-amount]');
            if (display) {
                display.textContent = formatCents(amount);
            }
            subtotal += amount;
            const taxable = row.querySelector('input[name$="-taxable"]');
            if (taxable && taxable.checked) {
                taxableBase += amount;
            }
        }

        const customer = document.getElementById('id_customer');
        const customerTaxable = customer && customer.value === config.customerId ? config.customerTaxable : true;
        const taxRate = document.getElementById('id_tax_rate');
        const percent = taxRate ? config.taxRates[taxRate.value] : undefined;
        let tax = 0n;
        if (percent !== undefined && customerTaxable) {
            // base (cents) × percent / 100: dividing by 100 is two more decimal places.
            const rate = parseDecimal(percent);
            tax = toCents({units: taxableBase * rate.units, scale: 2 + rate.scale + 2});
        }
        const total = subtotal + tax;

        const payments = liveRows('payments', 'amount');
        let paid = toCents(parseDecimal(config.amountPaid));
        if (payments) {
            paid = payments.reduce((sum, row) => sum + toCents(parseDecimal(fieldValue(row, 'amount'))), 0n);
        }
        const balance = total - paid > 0n ? total - paid : 0n;

        setTotal('subtotal', subtotal);
        setTotal('tax', tax);
        setTotal('total', total);
        setTotal('balance', balance);
    }

    // The inputs the totals depend on: the lines' and payments' numbers, which lines count, the rate, the customer.
    const TOTALS_INPUT = new RegExp(
        '^(lines-\\d+-(quantity|unit_price|taxable|DELETE)|payments-\\d+-(amount|DELETE)'
        + '|lines-TOTAL_FORMS|payments-TOTAL_FORMS|tax_rate|customer)$',
    );
    const NUMBER_INPUT = /-(quantity|unit_price|amount)$/;

    // "1.0000", "1" and "1.0" are the same quantity.
    function canonicalNumber(text) {
        let {units, scale} = parseDecimal(text);
        while (scale > 0 && units % 10n === 0n) {
            units /= 10n;
            scale -= 1;
        }
        return `${units}e-${scale}`;
    }

    // What the totals depend on, as the inputs hold it now.
    function inputsState(form) {
        const parts = [];
        for (const element of form ? form.elements : []) {
            const name = element.name || '';
            if (!TOTALS_INPUT.test(name)) {
                continue;
            }
            let value = element.value;
            if (element.type === 'checkbox' || element.type === 'radio') {
                value = String(element.checked);
            } else if (NUMBER_INPUT.test(name)) {
                value = canonicalNumber(value);
            }
            parts.push(`${name}=${value}`);
        }
        return parts.join('&');
    }

    document.addEventListener('DOMContentLoaded', () => {
        const config = readConfig();
        if (!config) {
            return;
        }
        const form = document.getElementById('invoice_form') || document.querySelector('#content-main form');
        const savedState = inputsState(form);
        const savedFigures = Array.from(document.querySelectorAll('[data-invoice-total], [data-line-amount]'))
            .map((element) => [element, element.textContent]);
        const update = () => {
            // Widgets announce "change" as they start up (Django's related-object links, select2): unless an input
            // the totals depend on differs from the saved invoice, the server's figures stand.
            if (inputsState(form) === savedState) {
                savedFigures.forEach(([element, text]) => {
                    element.textContent = text;
                });
                return;
            }
            recompute(config);
        };
        document.addEventListener('input', update);
        document.addEventListener('change', update);
        document.addEventListener('formset:added', update);
        document.addEventListener('formset:removed', update);
        // The autocomplete (select2) boxes announce a new choice through jQuery only.
        if (window.django && window.django.jQuery) {
            window.django.jQuery(document).on('change', 'select', update);
        }
        // Nothing is computed on load: until an input the totals depend on is edited, the page shows the saved figures.
    });
}
